/// <reference types="pdfkit" />

// svg-to-pdfkit ships no types; this declares the part the PDF renderer uses.
declare module 'svg-to-pdfkit' {
  interface SVGtoPDFOptions {
    /** The viewport the SVG is fitted into, in the document's units (pt with `assumePt`, else px converted at 96 dpi). */
    width?: number;
    height?: number;
    preserveAspectRatio?: string;
    assumePt?: boolean;
    precision?: number;
    /** The pdfkit font name (registered or standard) for an SVG font; may set faux bold/italic. */
    fontCallback?: (family: string, bold: boolean, italic: boolean, fontOptions: { fauxBold: boolean; fauxItalic: boolean }) => string;
    warningCallback?: (message: string) => void;
  }

  function SVGtoPDF(doc: PDFKit.PDFDocument, svg: string, x?: number, y?: number, options?: SVGtoPDFOptions): void;
  export = SVGtoPDF;
}

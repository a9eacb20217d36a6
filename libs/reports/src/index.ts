// Report rendering: the document a report shows, its two formats, and the store its files are published in.
export * from './report-document';
export * from './report-requests';
export * from './report-store';
export { REPORT_TYPE_TITLES } from './labels';
export { writeReportPdf } from './pdf/report-pdf';
export * from './workbook-threads';

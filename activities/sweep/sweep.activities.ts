import { Injectable } from '@nestjs/common';
import { captureStreamKey, type SeriesRef } from '@him/contracts';
import { CaptureRepository, LotRepository, ProcessValueRepository, SeriesKind, SweepWatermarkRepository } from '@him/db';
import { TEP_DETECTOR_NAME, TEP_LSTM_NAME, VIBRATION_CLASSIFIER_NAME } from '@him/ml';
import { Activity } from '../activity.decorator';

/** The models that diagnose a lot: it is pending while either is behind. */
const LOT_MODELS = [TEP_DETECTOR_NAME, TEP_LSTM_NAME];

/** The sweep's I/O activities: which series have data past their watermark. */
@Injectable()
export class SweepActivities {
  constructor(
    private readonly captures: CaptureRepository,
    private readonly lots: LotRepository,
    private readonly processValues: ProcessValueRepository,
    private readonly watermarks: SweepWatermarkRepository,
  ) {}

  /**
   * Every series with data past its watermark: capture streams (`g3/1`) whose newest capture id is past the
   * classifier's watermark, and lots (by code) whose last observation is past the detector's or the LSTM's.
   * A small list (one ref per series), capture streams first.
   */
  @Activity()
  async findPendingSeries(): Promise<SeriesRef[]> {
    const streamMarks = new Map(
      (await this.watermarks.list(SeriesKind.CaptureStream)).filter((w) => w.modelName === VIBRATION_CLASSIFIER_NAME).map((w) => [w.seriesKey, w.position]),
    );
    const pendingStreams: SeriesRef[] = (await this.captures.findStreamHeads())
      .map((head) => ({ key: captureStreamKey(head.machineName, head.sensorNo), lastCaptureId: head.lastCaptureId }))
      .filter((head) => head.lastCaptureId > (streamMarks.get(head.key) ?? 0))
      .map((head) => ({ kind: 'capture_stream', key: head.key }));

    const lotMarks = new Map<string, number>();
    for (const w of await this.watermarks.list(SeriesKind.Lot)) if (LOT_MODELS.includes(w.modelName)) lotMarks.set(`${w.seriesKey}\n${w.modelName}`, w.position);
    const lastMeasured = await this.processValues.lastMeasuredAtByLot();
    const codes = await this.lots.findCodes(lastMeasured.map((l) => l.lotId));
    const pendingLots: SeriesRef[] = [];
    for (const { lotId, lastMeasuredAt } of lastMeasured) {
      const code = codes.get(lotId);
      if (code === undefined) continue;
      const behind = LOT_MODELS.some((model) => lastMeasuredAt.getTime() > (lotMarks.get(`${code}\n${model}`) ?? 0));
      if (behind) pendingLots.push({ kind: 'lot', key: code });
    }
    return [...pendingStreams, ...pendingLots];
  }
}

package surveillance.flink;

import org.apache.flink.api.common.functions.AggregateFunction;

/** Incrementally sums detections per window so the job keeps one small record per key, not every frame. */
public class CountAggregate implements AggregateFunction<FrameResult, WindowCount, WindowCount> {
    @Override
    public WindowCount createAccumulator() {
        return new WindowCount();
    }

    @Override
    public WindowCount add(FrameResult r, WindowCount acc) {
        acc.area = r.area;
        acc.camera = r.camera;
        acc.frames += 1;
        acc.people += r.people;
        acc.truth += r.truth;
        acc.firstSentTs = Math.min(acc.firstSentTs, r.sentTs);
        acc.lastSentTs = Math.max(acc.lastSentTs, r.sentTs);
        acc.minSeq = Math.min(acc.minSeq, r.seq);
        acc.maxSeq = Math.max(acc.maxSeq, r.seq);
        return acc;
    }

    @Override
    public WindowCount getResult(WindowCount acc) {
        return acc;
    }

    @Override
    public WindowCount merge(WindowCount a, WindowCount b) {
        WindowCount m = new WindowCount();
        m.area = a.area != null ? a.area : b.area;
        m.camera = a.frames > 0 ? a.camera : b.camera;
        m.frames = a.frames + b.frames;
        m.people = a.people + b.people;
        m.truth = a.truth + b.truth;
        m.firstSentTs = Math.min(a.firstSentTs, b.firstSentTs);
        m.lastSentTs = Math.max(a.lastSentTs, b.lastSentTs);
        m.minSeq = Math.min(a.minSeq, b.minSeq);
        m.maxSeq = Math.max(a.maxSeq, b.maxSeq);
        return m;
    }
}

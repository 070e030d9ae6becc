package surveillance.flink;

/** Running totals for one (area, camera) tumbling window; also the output record. */
public class WindowCount {
    public String area;
    public int camera;
    public long windowStart;
    public long windowEnd;
    public long frames;
    public long people;
    public long truth;
    public long firstSentTs = Long.MAX_VALUE;
    public long lastSentTs = Long.MIN_VALUE;
    public long minSeq = Long.MAX_VALUE;
    public long maxSeq = Long.MIN_VALUE;
    /** When the job emitted the window, ms since epoch. */
    public long emitTs;

    public WindowCount() {}
}

package surveillance.flink;

/** One gateway result read from the input topic: the people counted in one camera frame. */
public class FrameResult {
    public int camera;
    public String area;
    public long seq;
    /** Camera send time, ms since epoch; the job's event time. */
    public long sentTs;
    /** People the gateway detected in the frame. */
    public int people;
    /** Ground truth the camera put in the frame message, carried along for checking. */
    public int truth;

    public FrameResult() {}

    public FrameResult(int camera, String area, long seq, long sentTs, int people, int truth) {
        this.camera = camera;
        this.area = area;
        this.seq = seq;
        this.sentTs = sentTs;
        this.people = people;
        this.truth = truth;
    }
}

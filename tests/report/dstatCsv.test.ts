import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readDstatCsv } from "../../report/csvTable";

/** dstat started again on its file (a restored host) appends its preamble and headers again: only samples are read. */
test("a dstat CSV continued by a second start gives the samples of both starts", () => {
  const preamble = (date: string) =>
    [
      '"Dstat 0.7.4 CSV output"',
      '"Author:","Dag Wieers <dag@wieers.com>",,,,"URL:","http://dag.wieers.com/home-made/dstat/"',
      '"Host:","e2c-fog-2",,,,"User:","root"',
      '"Cmdline:","dstat -m -c --output /tmp/x/dstat.csv 1",,,,"Date:","' + date + '"',
      "",
      '"memory usage",,,,"total cpu usage",,,,,',
      '"used","free","buf","cach","usr","sys","idl","wai","hiq","siq"',
    ].join("\n");
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "e2c-dstat-")), "dstat.csv");
  fs.writeFileSync(
    file,
    [preamble("26 Nov 2026 04:25:27 UTC"), "100,200,3,4,10,5,85,0,0,0", "110,190,3,4,20,5,75,0,0,0", "", "", '"Host:","e2c-fog-2",,,,"User:","root"', '"Cmdline:","dstat",,,,"Date:","26 Nov 2026 04:27:29 UTC"', "", '"memory usage",,,,"total cpu usage",,,,,', '"used","free","buf","cach","usr","sys","idl","wai","hiq","siq"', "120,180,3,4,30,5,65,0,0,0", ""].join("\n"),
  );
  const rows = readDstatCsv(file);
  expect(rows.map((r) => [r["memory usage/used"], r["total cpu usage/usr"]])).toEqual([
    [100, 10],
    [110, 20],
    [120, 30],
  ]);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
});

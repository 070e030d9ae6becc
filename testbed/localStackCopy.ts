import * as fs from "fs";
import * as path from "path";

/**
 * `Pulumi.local.yaml` written into `dir` with its folders made absolute (scenario and artifacts from the
 * project, results into `resultsDir`), so tests and benchmarks can run the committed stack from a scratch
 * folder. `edit` may change the text further. Returns the file.
 */
export function writeLocalStackCopy(projectDir: string, dir: string, resultsDir: string, edit: (text: string) => string = (t) => t): string {
  const replace = (text: string, from: string, to: string) => {
    if (!text.includes(from)) throw new Error(`Pulumi.local.yaml no longer has "${from}"`);
    return text.replace(from, to);
  };
  let text = fs.readFileSync(path.join(projectDir, "Pulumi.local.yaml"), "utf8");
  text = replace(
    text,
    "edge2cloud:scenario: configs/cctv-local",
    `edge2cloud:scenario: ${path.join(projectDir, "configs/cctv-local")}\n  edge2cloud:artifacts: ${path.join(projectDir, "artifacts")}`,
  );
  text = replace(text, "edge2cloud:results: results", `edge2cloud:results: ${resultsDir}`);
  const file = path.join(dir, "Pulumi.local.yaml");
  fs.writeFileSync(file, edit(text));
  return file;
}

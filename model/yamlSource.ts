import * as fs from "fs";
import { Document, LineCounter, Node, isMap, isScalar, isSeq, parseDocument, Pair, Scalar } from "yaml";
import { Diagnostics } from "./diagnostic";
import { pyyamlTags } from "./pyyamlScalars";
import { SourceLocation } from "./sourceLocation";

export type PathSegment = string | number;

/** A parsed YAML file that can say where any of its values was written. */
export class YamlSource {
  private readonly lines = new LineCounter();
  readonly doc: Document.Parsed;

  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    // YAML 1.1 as PyYAML reads it for E2Clab and Ansible: `validate_checksum: no` is a boolean, an unquoted
    // 01:30:00 a string (pyyamlScalars).
    this.doc = parseDocument(text, { version: "1.1", customTags: pyyamlTags, lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
  }

  static read(file: string): YamlSource {
    return new YamlSource(file, fs.readFileSync(file, "utf8"));
  }

  /** Syntax errors become diagnostics; returns false when the file cannot be used. */
  reportSyntax(diags: Diagnostics): boolean {
    for (const err of this.doc.errors) {
      diags.add({ location: this.at(err.pos[0]), message: `YAML syntax error: ${err.message.split("\n")[0]}` });
    }
    return this.doc.errors.length === 0;
  }

  toJS(): unknown {
    return this.doc.toJS({ maxAliasCount: 100 });
  }

  at(offset: number): SourceLocation {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, col };
  }

  /** Where the value at `path` starts; falls back to the nearest parent that exists. */
  locate(path: readonly PathSegment[]): SourceLocation {
    for (let n = path.length; n >= 0; n--) {
      const node = this.nodeAt(path.slice(0, n));
      if (node?.range) return this.at(node.range[0]);
    }
    return { file: this.file, line: 1, col: 1 };
  }

  /**
   * Where the character at (`line`, `col`) of the string value at `path` was written, walking the value
   * and its source together: quotes, escapes, folded line breaks and indentation are the only differences.
   */
  locateInScalar(path: readonly PathSegment[], line = 1, col = 1): SourceLocation {
    const node = this.nodeAt(path);
    if (!isScalar(node) || !node.range || typeof node.value !== "string") return this.locate(path);
    const value = node.value;
    const lines = value.split("\n");
    const target = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + col - 1;
    let j = node.range[0];
    if (node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE") j++;
    else if (node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED") j = this.text.indexOf("\n", j) + 1;
    const end = node.range[1];
    let i = 0;
    while (i < target && j < end) {
      const c = this.text[j];
      if (value[i] === c) {
        i++;
        j++;
      } else if (c === "\\" && node.type === "QUOTE_DOUBLE") {
        const kind = this.text[j + 1];
        j += kind === "x" ? 4 : kind === "u" ? 6 : kind === "U" ? 10 : 2;
        i++;
      } else if (c === "'" && node.type === "QUOTE_SINGLE" && this.text[j + 1] === "'") {
        j += 2;
        i++;
      } else if (/\s/.test(c)) j++;
      else i++;
    }
    while (j < end && /[ \t\n]/.test(this.text[j]) && value[i] !== this.text[j]) j++;
    return this.at(j);
  }

  /** Where the key `key` of the mapping at `path` is written (for unknown-key errors). */
  locateKey(path: readonly PathSegment[], key: string): SourceLocation {
    const map = this.nodeAt(path);
    if (isMap(map)) {
      const pair = map.items.find((p: Pair) => isScalar(p.key) && String((p.key as Scalar).value) === key);
      const k = pair?.key as Node | undefined;
      if (k?.range) return this.at(k.range[0]);
    }
    return this.locate(path);
  }

  private nodeAt(path: readonly PathSegment[]): Node | undefined {
    let node: unknown = this.doc.contents;
    for (const seg of path) {
      if (isMap(node)) node = node.get(String(seg), true);
      else if (isSeq(node)) node = node.get(Number(seg), true);
      else return undefined;
    }
    return (node ?? undefined) as Node | undefined;
  }
}

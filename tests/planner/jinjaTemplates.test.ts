import { JinjaRenderer, TemplateError } from "../../planner/jinja/jinjaRenderer";
import { percentFormat, pyRepr } from "../../planner/jinja/ansibleFilters";

const r = new JinjaRenderer();
const vars = {
  l: ["a", "b"],
  m: { x: 1, y: "z" },
  n: null,
  t: true,
  s: "a-b",
  q: "it's",
  kafka: { url: "10.0.0.2:9092", __address__: "node-2" },
  item: 3,
  service_id: "2",
};

function fails(template: string): TemplateError {
  try {
    r.render(template, vars);
  } catch (e) {
    if (e instanceof TemplateError) return e;
    throw e;
  }
  throw new Error(`rendered: ${template}`);
}

describe("templates render as Ansible renders Jinja2", () => {
  // Expected values are what ansible-core 2.17 prints for the same template and variables.
  it.each([
    ["{{ l }}", "['a', 'b']"],
    ["{{ m }}", "{'x': 1, 'y': 'z'}"],
    ["[{{ n }}]", "[]"],
    ["{{ [n, t, q, 'x\"y'] }}", `[None, True, "it's", 'x"y']`],
    ["{{ t }} {{ not t }}", "True False"],
    ["{{ 10 / 5 }} {{ 7 // 2 }} {{ 7 % 3 }} {{ 2 ** 10 }}", "2.0 3 1 1024"],
    ["{{ (item - 1) * 40 + 1 }}", "81"],
    ["{{ (service_id|int - 1) * 40 + item }}", "43"],
    ["{{ l[0] }}{{ s[1:] }}{{ l[-1] }}", "a-bb"],
    ["{{ 'x' ~ item ~ 'y' }}", "x3y"],
    ["{{ 'on' if t else 'off' }}", "on"],
    ["{% if item > 2 %}big{% else %}small{% endif %}", "big"],
    ["{% for x in l %}{{ loop.index }}:{{ x }} {% endfor %}", "1:a 2:b "],
    ["{% set k = item * 2 %}{{ k }}", "6"],
    ["{% raw %}{{ not rendered }}{% endraw %}", "{{ not rendered }}"],
    ["a{# a comment #}b", "ab"],
    ["a {{- ' b ' -}} c", "a b c"],
    ["{% if t %}\nyes\n{% endif %}\nend", "yes\nend"],
    ["{{ range(1, 4)|list }}", "[1, 2, 3]"],
    ["{{ l|join(',') }} {{ l|length }} {{ s|upper }} {{ s|replace('-', '+') }}", "a,b 2 A-B a+b"],
    ["{{ nope|default('d') }} {{ kafka.nope|default(1) }} {{ nope is defined }}", "d 1 False"],
    ["{{ 'a-b'|int }} {{ '42'|int + 1 }} {{ 3.7|int }} {{ '0x1A'|int(base=16) }}", "0 43 3 26"],
    ["{{ '%05d-%s'|format(item, s) }}", "00003-a-b"],
    // As written in the file; Ansible doubles backslashes inside {{ }} string literals before Jinja reads them.
    ["{{ s|regex_replace('(a)-(b)', '\\2_\\1') }}", "b_a"],
    ["{{ 'a1b22'|regex_findall('\\d+') }}", "['1', '22']"],
    ["{{ s|regex_search('[a-z]$') }}", "b"],
    ["{{ m|to_json }}", '{"x": 1, "y": "z"}'],
    ["{{ m|combine({'y': 2}) }}", "{'x': 1, 'y': 2}"],
    ["{{ m|dict2items }}", "[{'key': 'x', 'value': 1}, {'key': 'y', 'value': 'z'}]"],
    ["{{ [[1, [2]], 3]|flatten }}", "[1, 2, 3]"],
    ["{{ '/opt/a/b.txt'|basename }} {{ '/opt/a/b.txt'|dirname }}", "b.txt /opt/a"],
    ["{{ 'hello world'|quote }}", "'hello world'"],
    ["{{ 'yes'|bool }} {{ t|ternary('up', 'down') }}", "True up"],
    ["{{ 'abc'|b64encode }}", "YWJj"],
    ["{{ [1, 2]|union([2, 3]) }} {{ [1, 2]|difference([2]) }} {{ [1, 2]|intersect([2, 3]) }}", "[1, 2, 3] [1] [2]"],
    ["{{ kafka.url.split(':')[1] }}", "9092"],
    ["{{ s is match('a') }} {{ s is search('b$') }}", "True True"],
  ])("%s", (template, expected) => {
    expect(r.render(template, vars)).toBe(expected);
  });

  it("keeps a value's type when a whole field is one expression (loop lists)", () => {
    expect(r.evaluateValue("{{ range(1, 41)|list }}", vars)).toHaveLength(40);
    expect(r.evaluateValue("{{ l }}", vars)).toEqual(["a", "b"]);
    expect(r.evaluateValue("x{{ l }}", vars)).toBe("x['a', 'b']");
  });

  it("evaluates conditions", () => {
    expect(r.evaluate("item > 2 and t", vars)).toBe(true);
    expect(r.evaluate("'c' in l", vars)).toBe(false);
  });

  it.each([
    ["{{ nope }}", /template variable 'nope' is not defined/, 1, 4, /one of: .*kafka/],
    ["x\n  {{ kafka.urll }}", /template variable 'kafka.urll' is not defined/, 2, 6, /a field of kafka: __address__, url/],
    ["{% if nope %}a{% endif %}", /template variable 'nope' is not defined/, 1, 7, undefined],
    ["{{ l|shuffle }}", /unknown filter/, 1, 6, undefined],
    ["{{ lookup('env', 'HOME') }}", /unknown function/, 1, 4, undefined],
    ["{{ 1 + }}", /syntax error/, 1, 8, undefined],
    ["{% for x in l %}", /syntax error/, undefined, undefined, undefined],
  ])("%s is an error with its position", (template, message, line, col, expected) => {
    const e = fails(template);
    expect(e.message).toMatch(message);
    if (line !== undefined) expect([e.line, e.col]).toEqual([line, col]);
    if (expected) expect(e.expected).toMatch(expected);
  });

  it("renders a template of text and expressions as a whole template would, values by their type", () => {
    // Each line once in a text-and-expressions template (rendered part by part) and once behind a
    // statement (rendered whole by MiniJinja): the output must be the same.
    const whole = (t: string) => r.render(`{% if true %}${t}{% endif %}`, vars);
    for (const t of [
      "{{ s }}/{{ item }}/{{ kafka.url }}",
      "{{ t }} {{ n }}|{{ m }} {{ l }} {{ m.x }} {{ m.y }}",
      "{{ 2.5 }} {{ 10 / 5 }} {{ -3 }} {{ q }}",
      "{{ '}}' ~ s }} {{ {'a': 1} }} {{ none }} {{ true }}",
      "cam-{{ (service_id|int - 1) * 40 + item }} {{ kafka['url'] }}",
    ]) {
      expect(r.render(t, vars)).toBe(whole(t));
    }
  });

  it("gives each render the values of the variables it names, whatever was rendered before", () => {
    const t = "{{ a.b }}-{{ a.c|int + 1 }}-{{ a }}";
    expect(r.render(t, { a: { b: "x", c: "1" } })).toBe("x-2-{'b': 'x', 'c': '1'}");
    expect(r.render(t, { a: { b: "x", c: "2" } })).toBe("x-3-{'b': 'x', 'c': '2'}");
    expect(r.render(t, { a: { b: 7, c: "2" }, big: Array.from({ length: 1000 }, (_, i) => i) })).toBe("7-3-{'b': 7, 'c': '2'}");
    // A value JSON cannot tell from a missing one is still told apart.
    expect(r.render("{{ u is defined }}", { u: null })).toBe("True");
    expect(r.render("{{ u is defined }}", {})).toBe("False");
    expect(() => r.render("{{ a.b }} {{ a.d }}", { a: { b: "x" } })).toThrow(/'a.d' is not defined/);
  });

  it("__address4__ without an IPv4 address says what to set", () => {
    const e = fails("{{ kafka.url4 }}");
    expect(e.expected).toMatch(/address4/);
  });
});

describe("Python's forms", () => {
  it("repr", () => {
    expect(pyRepr({ a: [1, "x", null, false], "b'": "c" })).toBe(`{'a': [1, 'x', None, False], "b'": 'c'}`);
  });
  it("%-format", () => {
    expect(percentFormat("%s:%d %5.2f|%-4s|%x %%", ["h", 42.9, 3.14159, "ab", 255])).toBe("h:42  3.14|ab  |ff %");
    expect(() => percentFormat("%s %s", ["a"])).toThrow(/not enough arguments/);
  });
});

import { SLI_PRESET_DEFINITIONS } from '../../lib/observability/sli';
import { resolveSli } from '../../lib/observability/sli-promql';

/** The problems of a declaration as `field problem`, the way the product chart reports them. */
const problemsOf = (source: Parameters<typeof resolveSli>[0]) => resolveSli(source).problems.map((p) => `${p.field} ${p.problem}`);
const PATTERN_FIX = 'write its matchers with = or a simple pattern such as 5.. or Internal|Unavailable';

describe('resolveSli: a preset by name', () => {
  test('gives the preset itself, without problems', () => {
    // GIVEN each preset's name WHEN resolved THEN its definition comes back, not a copy of it
    for (const preset of ['spring-boot', 'opentelemetry', 'prometheus'] as const) {
      expect(resolveSli(preset)).toEqual({ sli: SLI_PRESET_DEFINITIONS[preset], problems: [] });
      expect(resolveSli(preset).sli).toBe(SLI_PRESET_DEFINITIONS[preset]);
    }
  });

  test('fails on a name that is no preset, with no indicator, the value and the presets to choose from', () => {
    expect(resolveSli('jaeger' as never)).toEqual({
      problems: [
        {
          field: '',
          problem: 'is not a preset',
          value: 'jaeger',
          fix: 'use one of spring-boot, opentelemetry, prometheus, or PromQL selectors { total, errors, latency }',
        },
      ],
    });
  });
});

describe('resolveSli: PromQL selectors', () => {
  test('reads metric names with digits and colons, spaces around everything, empty braces and a selector over lines', () => {
    // GIVEN selectors written loosely but validly
    const { sli, problems } = resolveSli({
      total: '  job:http_requests:rate5m  ',
      errors: ' job:http_requests:rate5m { code2 = "500" ,\n  method !~ "OPTIONS" , } ',
      latency: 'h_bucket{ }',
    });
    // THEN each is read as its metric and its matchers, written back without the spaces
    expect(problems).toEqual([]);
    expect(sli).toMatchObject({
      source: 'promql',
      total: { metric: 'job:http_requests:rate5m', matchers: [] },
      errors: { metric: 'job:http_requests:rate5m', matchers: ['code2="500"', 'method!~"OPTIONS"'] },
      latency: { metric: 'h_bucket', matchers: [] },
      latencyNote: 'needs the h_bucket histogram',
      errorsNote: 'the series job:http_requests:rate5m{code2="500", method!~"OPTIONS"}',
    });
  });

  test('keeps a comma and an escaped quote inside a quoted value in one matcher', () => {
    // GIVEN an error counter of its own whose matcher value holds a comma and an escaped double quote
    const { sli, problems } = resolveSli({ total: 'x_total', errors: 'x_errors_total{reason="a \\"b\\", c", kind=~"x,y"}' });
    // THEN the value is one matcher, and the example series carries its unescaped value, quoted again
    expect(problems).toEqual([]);
    expect(sli!.errors.matchers).toEqual(['reason="a \\"b\\", c"', 'kind=~"x,y"']);
    expect(sli!.examples.bad).toEqual(['reason="a \\"b\\", c"', 'kind="x,y"']);
  });

  test('keeps a comma after a single escaped quote inside the value, and reads an equality value as text, not as a pattern', () => {
    // GIVEN a value with one escaped quote before a comma, and an equality whose value would be a broken pattern
    const { sli, problems } = resolveSli({ total: 'x_total', errors: 'y_total{reason="a \\"b, c", path="/a(("}' });
    // THEN both are matchers of their own
    expect(problems).toEqual([]);
    expect(sli!.errors.matchers).toEqual(['reason="a \\"b, c"', 'path="/a(("']);
  });

  test.each([
    ['a metric name that starts with a digit', '5xx_total'],
    ['words after the selector', 'x_total{code="500"} or y'],
    ['a matcher without quotes', 'x_total{code=500}'],
    ['a matcher in single quotes', "x_total{code='500'}"],
    ['an unclosed brace', 'x_total{code="500"'],
    ['a label that starts with a digit', 'x_total{5xx="1"}'],
    ['a label without an operator', 'x_total{code}'],
    ['an empty matcher between commas', 'x_total{code="500",,method="GET"}'],
    ['a pattern that is no regular expression', 'x_total{code=~"5(("}'],
    ['a negative pattern that is no regular expression', 'x_total{code!~"[5"}'],
    ['no text at all', ''],
  ])('fails on %s, with the text as the value', (_, errors) => {
    // GIVEN errors written wrongly WHEN resolved THEN one problem names the field, and there is no indicator
    const { sli, problems } = resolveSli({ total: 'x_total', errors });
    expect(sli).toBeUndefined();
    expect(problems).toEqual([
      {
        field: 'errors',
        problem: 'is not a PromQL series selector',
        value: errors,
        fix: 'write metric{label="value", ...} with double-quoted values, e.g. http_requests_total{code=~"5.."}',
      },
    ]);
  });

  test('fails on a selector that is not text, and reports every field that is wrong', () => {
    // GIVEN a number as total and a broken latency
    const { sli, problems } = resolveSli({ total: 42 as never, errors: 'x_total{code="500"}', latency: 'h bucket' });
    // THEN both are named, each with its own value
    expect(sli).toBeUndefined();
    expect(problems.map((p) => [p.field, p.problem, p.value])).toEqual([
      ['total', 'is not a PromQL series selector', 42],
      ['latency', 'is not a PromQL series selector', 'h bucket'],
    ]);
  });

  test('fails on a selector that is a list, even one whose text would be a selector', () => {
    expect(problemsOf({ total: ['x_total'] as never, errors: 'x_total{code="500"}' })).toEqual(['total is not a PromQL series selector']);
  });

  test("reports only the first problem of each stage: a scrape label, not the examples; total's examples, not the latency's", () => {
    // GIVEN a total that sets job and whose pattern gives no example THEN only the label is named
    expect(problemsOf({ total: 'x_total{job="a", path=~"[a-z]+"}', errors: 'y_total' })).toEqual([
      "total sets job, which the component's scrape sets",
    ]);
    // GIVEN a total and a latency that both give no example THEN only total is named
    expect(problemsOf({ total: 'x_total{path=~"[a-z]+"}', errors: 'y_total', latency: 'h_bucket{path=~"[a-z]+"}' })).toEqual([
      'total has no example series the tests can write',
    ]);
  });

  test('fails on namespace or job in any selector, naming the matcher to remove', () => {
    const { sli, problems } = resolveSli({
      total: 'x_total{job="orders"}',
      errors: 'x_total{job="orders", namespace=~"shop-.*", code="500"}',
      latency: 'h_bucket{namespace!="a"}',
    });
    expect(sli).toBeUndefined();
    expect(problems.map((p) => [p.field, p.problem, p.fix])).toEqual([
      ['total', "sets job, which the component's scrape sets", 'remove job="orders"'],
      ['errors', "sets job, which the component's scrape sets", 'remove job="orders"'],
      ['errors', "sets namespace, which the component's scrape sets", 'remove namespace=~"shop-.*"'],
      ['latency', "sets namespace, which the component's scrape sets", 'remove namespace!="a"'],
    ]);
  });
});

describe('resolveSli: the example series of the tests', () => {
  test("writes a pattern's first alternative, digits for \\d and ., x for .* and .+, without anchors, groups or quantifiers", () => {
    // GIVEN patterns of the kinds the examples are written from
    const { sli, problems } = resolveSli({
      total: 'http_total{path=~"/api/.*", method=~"(GET|POST)", host=~"^web-?1$"}',
      errors: 'http_total{path=~"/api/.*", method=~"(GET|POST)", host=~"^web-?1$", code=~"5\\\\d\\\\d", reason=~"io.+|timeout"}',
      latency: 'h_bucket{path=~"/api/.*", status=~"(2..)"}',
    });
    // THEN each example value matches its pattern, and failures carry the successful request's labels too
    expect(problems).toEqual([]);
    expect(sli!.examples).toEqual({
      good: ['path="/api/x"', 'method="GET"', 'host="web-1"'],
      bad: ['path="/api/x"', 'method="GET"', 'host="web-1"', 'code="500"', 'reason="iox"'],
      latency: ['path="/api/x"', 'status="200"'],
    });
  });

  test('unescapes an escaped character of a pattern', () => {
    const { sli, problems } = resolveSli({ total: 'x_total', errors: 'y_total{path=~"\\\\/api"}' });
    expect(problems).toEqual([]);
    expect(sli!.examples.bad).toEqual(['path="/api"']);
  });

  test('gives no label for a negative matcher, and a failure of its own counter only its own labels', () => {
    // GIVEN a total that leaves OPTIONS out and a failure counter of another metric
    const { sli, problems } = resolveSli({ total: 'a_total{method!="OPTIONS", grpc_type="unary"}', errors: 'b_total{reason="x", path!~"/health"}' });
    // THEN the good example has the equality only, and the bad one the failure counter's own equality
    expect(problems).toEqual([]);
    expect(sli!.examples).toEqual({ good: ['grpc_type="unary"'], bad: ['reason="x"'] });
  });

  test.each([
    ['total', { total: 'x_total{path=~"[a-z]+"}', errors: 'y_total' }, 'x_total{path=~"[a-z]+"}'],
    ['total', { total: 'x_total{method!=""}', errors: 'y_total' }, 'x_total{method!=""}'],
    ['total', { total: 'x_total{method!~".*"}', errors: 'y_total' }, 'x_total{method!~".*"}'],
    ['errors', { total: 'x_total', errors: 'y_total{code=~"[0-9]+"}' }, 'y_total{code=~"[0-9]+"}'],
    ['latency', { total: 'x_total', errors: 'y_total', latency: 'h_bucket{path=~"[a-z]+"}' }, 'h_bucket{path=~"[a-z]+"}'],
  ])('fails on a %s whose example series it cannot write (%j)', (field, source, value) => {
    // GIVEN a selector whose derived example does not meet its own matchers
    const { sli, problems } = resolveSli(source);
    // THEN it is named with the pattern fix, and there is no indicator
    expect(sli).toBeUndefined();
    expect(problems).toEqual([{ field, problem: 'has no example series the tests can write', value, fix: PATTERN_FIX }]);
  });

  test.each([
    ['errors that successful requests also meet', { total: 'x_total{a="1"}', errors: 'x_total{a="1"}' }],
    ['errors outside total', { total: 'x_total{code=~"2.."}', errors: 'x_total{code="500"}' }],
    ['errors outside total, where only the whole value counts', { total: 'x_total{code=~"5"}', errors: 'x_total{code="500"}' }],
    ['errors that only leave a label out', { total: 'x_total', errors: 'x_total{code!="200"}' }],
  ])('fails on %s of the same counter', (_, source) => {
    expect(problemsOf(source)).toEqual([
      'errors must select a part of total: its matchers add a label condition that successful requests do not meet',
    ]);
    expect(resolveSli(source).problems[0]).toMatchObject({
      value: source.errors,
      fix: 'repeat the matchers of total and add the failure condition, e.g. code=~"5.."',
    });
  });

  test('accepts errors of the same counter that narrow total by a pattern, a negative matcher kept on both', () => {
    const { sli, problems } = resolveSli({ total: 'x_total{method!="OPTIONS"}', errors: 'x_total{method!="OPTIONS", code=~"5.."}' });
    expect(problems).toEqual([]);
    expect(sli!.examples).toEqual({ good: [], bad: ['code="500"'] });
  });
});

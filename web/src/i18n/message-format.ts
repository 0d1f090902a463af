// Catalogue texts in a small subset of ICU MessageFormat, so a translation decides its own
// plurals instead of writing "bestand(en)":
//   {name}                                      the parameter (numbers through Intl.NumberFormat)
//   {n, plural, =0 {…} one {# file} other {# files}}   Intl.PluralRules picks the branch; # is n
//   {kind, select, zp {…} other {…}}            a branch by a text parameter
// Branches nest and may hold {name}s. No apostrophe quoting: the catalogues use ’ for apostrophes.

export type MessageParams = Record<string, string | number>;

type Part =
  | { kind: 'text'; text: string }
  | { kind: 'arg'; name: string }
  | { kind: 'pound' }
  | { kind: 'plural'; name: string; branches: Map<string, Part[]> }
  | { kind: 'select'; name: string; branches: Map<string, Part[]> };

export class MessageSyntaxError extends Error {
  constructor(readonly template: string, why: string) {
    super(`${why} in message: ${template}`);
    this.name = 'MessageSyntaxError';
  }
}

/** The plural categories a branch may be named by (besides `=N`). */
export const PLURAL_CATEGORIES: readonly Intl.LDMLPluralRule[] = ['zero', 'one', 'two', 'few', 'many', 'other'];

function parse(template: string): Part[] {
  let i = 0;
  const fail = (why: string): never => {
    throw new MessageSyntaxError(template, `${why} at ${i}`);
  };
  const name = (): string => {
    const m = /^\s*([A-Za-z_]\w*)\s*/.exec(template.slice(i));
    if (!m) fail('a parameter name is expected');
    i += m![0].length;
    return m![1]!;
  };
  const parts = (inPlural: boolean, nested: boolean): Part[] => {
    const out: Part[] = [];
    let text = '';
    const flush = () => {
      if (text) out.push({ kind: 'text', text });
      text = '';
    };
    while (i < template.length) {
      const c = template[i]!;
      if (c === '}') {
        if (!nested) fail('an unmatched }');
        break;
      }
      if (c === '#' && inPlural) {
        flush();
        out.push({ kind: 'pound' });
        i++;
        continue;
      }
      if (c !== '{') {
        text += c;
        i++;
        continue;
      }
      flush();
      i++;
      const arg = name();
      if (template[i] === '}') {
        i++;
        out.push({ kind: 'arg', name: arg });
        continue;
      }
      if (template[i] !== ',') fail('"," or "}" is expected');
      i++;
      const m = /^\s*(plural|select)\s*,\s*/.exec(template.slice(i));
      if (!m) fail('"plural" or "select" is expected');
      i += m![0].length;
      const type = m![1] as 'plural' | 'select';
      const branches = new Map<string, Part[]>();
      for (;;) {
        const b = /^\s*(=\d+|[A-Za-z_][\w-]*)\s*\{/.exec(template.slice(i));
        if (!b) break;
        i += b[0].length;
        branches.set(b[1]!, parts(type === 'plural' || inPlural, true));
        if (template[i] !== '}') fail('a branch is not closed');
        i++;
      }
      while (template[i] === ' ') i++;
      if (template[i] !== '}') fail('the plural or select is not closed');
      i++;
      if (!branches.has('other')) fail(`{${arg}, ${type}} has no "other" branch`);
      out.push({ kind: type, name: arg, branches });
    }
    flush();
    return out;
  };
  const result = parts(false, false);
  if (i < template.length) fail('an unmatched }');
  return result;
}

const parsed = new Map<string, Part[]>();

function parts(template: string): Part[] {
  let p = parsed.get(template);
  if (!p) {
    p = parse(template);
    parsed.set(template, p);
  }
  return p;
}

/** Everything a message refers to: its parameters, and each plural/select with its branch names. */
export function messageArguments(template: string): { names: Set<string>; plurals: { name: string; branches: string[] }[]; selects: { name: string; branches: string[] }[] } {
  const names = new Set<string>();
  const plurals: { name: string; branches: string[] }[] = [];
  const selects: { name: string; branches: string[] }[] = [];
  const walk = (list: Part[]) => {
    for (const p of list) {
      if (p.kind === 'arg') names.add(p.name);
      if (p.kind === 'plural' || p.kind === 'select') {
        names.add(p.name);
        (p.kind === 'plural' ? plurals : selects).push({ name: p.name, branches: [...p.branches.keys()] });
        for (const b of p.branches.values()) walk(b);
      }
    }
  };
  walk(parts(template));
  return { names, plurals, selects };
}

const numberFormats = new Map<string, Intl.NumberFormat>();
const pluralRules = new Map<string, Intl.PluralRules>();

function cached<T>(map: Map<string, T>, locale: string, make: () => T): T {
  let v = map.get(locale);
  if (!v) {
    v = make();
    map.set(locale, v);
  }
  return v;
}

/** A count or number as the locale writes it; digits are grouped from five on (4096 bits, 40.960 files). */
export function formatCount(locale: string, n: number): string {
  return cached(numberFormats, locale, () => new Intl.NumberFormat(locale, { maximumFractionDigits: 2, useGrouping: 'min2' })).format(n);
}

function pluralCategory(locale: string, n: number): Intl.LDMLPluralRule {
  return cached(pluralRules, locale, () => new Intl.PluralRules(locale)).select(n);
}

/** Fills a catalogue text; a parameter that was not given stays visible as `{name}`, so it is noticed. */
export function formatMessage(template: string, locale: string, params: MessageParams = {}): string {
  const render = (list: Part[], count: number | undefined): string => {
    let out = '';
    for (const p of list) {
      switch (p.kind) {
        case 'text':
          out += p.text;
          break;
        case 'pound':
          out += count === undefined ? '#' : formatCount(locale, count);
          break;
        case 'arg': {
          const v = params[p.name];
          out += v === undefined ? `{${p.name}}` : typeof v === 'number' ? formatCount(locale, v) : v;
          break;
        }
        case 'plural': {
          const n = Number(params[p.name]);
          const branch = (Number.isFinite(n) && (p.branches.get(`=${n}`) ?? p.branches.get(pluralCategory(locale, n)))) || p.branches.get('other')!;
          out += render(branch, n);
          break;
        }
        case 'select': {
          const v = params[p.name];
          out += render(p.branches.get(String(v)) ?? p.branches.get('other')!, count);
          break;
        }
      }
    }
    return out;
  };
  return render(parts(template), undefined);
}

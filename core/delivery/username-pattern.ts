// A profile's user-name pattern (e.g. `^[ZzPp][0-9]+$`) comes from a JSON file anyone can hand out,
// so it must never run as a backtracking RegExp: `^(a+)+$` froze the page for > 15 s (issue 13.4).
// Here a small, common subset of regular expressions is parsed and matched by an NFA simulation
// (Thompson): time grows linearly with the name, whatever the pattern. Everything else — back
// references, look-around, lazy quantifiers, flags — is refused when the profile is imported.

export const MAX_PATTERN_LENGTH = 200;
export const MAX_NAME_LENGTH = 256;
const MAX_REPEAT = 64;
const MAX_STATES = 4000;

export class UsernamePatternError extends Error {
  constructor(readonly reason: 'too-long' | 'unsupported' | 'malformed' | 'too-complex', readonly position: number) {
    super(`user-name pattern ${reason === 'unsupported' ? 'uses a feature outside the supported subset' : reason === 'too-long' ? `is longer than ${MAX_PATTERN_LENGTH} characters` : reason === 'too-complex' ? 'is too complex' : 'is malformed'} (at character ${position + 1})`);
    this.name = 'UsernamePatternError';
  }
}

type CharTest = (c: number) => boolean;
type Node =
  | { kind: 'char'; test: CharTest }
  | { kind: 'seq'; items: Node[] }
  | { kind: 'alt'; options: Node[] }
  | { kind: 'repeat'; node: Node; min: number; max: number }; // max Infinity = unbounded

const isDigit: CharTest = (c) => c >= 48 && c <= 57;
const isWord: CharTest = (c) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isSpace: CharTest = (c) => c === 32 || (c >= 9 && c <= 13);
const CLASS_ESCAPES: Record<string, CharTest> = {
  d: isDigit, D: (c) => !isDigit(c), w: isWord, W: (c) => !isWord(c), s: isSpace, S: (c) => !isSpace(c),
};
// Escapes that stand for themselves; letters other than the classes above are refused (\b, \1, \k…).
const LITERAL_ESCAPES = new Set('\\^$.|?*+()[]{}/-'.split(''));

function repeats(node: Node): boolean {
  switch (node.kind) {
    case 'char':
      return false;
    case 'repeat':
      return node.max > 1 || repeats(node.node);
    case 'seq':
      return node.items.some(repeats);
    case 'alt':
      return node.options.some(repeats);
  }
}

class Parser {
  private pos = 0;
  constructor(private readonly src: string) {}

  parse(): Node {
    if (this.src.startsWith('^')) this.pos++;
    const node = this.alternation();
    if (this.src[this.pos] === '$' && this.pos === this.src.length - 1) this.pos++;
    if (this.pos !== this.src.length) throw this.fail(this.src[this.pos] === ')' ? 'malformed' : 'unsupported');
    return node;
  }

  private fail(reason: UsernamePatternError['reason']): UsernamePatternError {
    return new UsernamePatternError(reason, this.pos);
  }

  private alternation(): Node {
    const options = [this.sequence()];
    while (this.src[this.pos] === '|') {
      this.pos++;
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0]! : { kind: 'alt', options };
  }

  private sequence(): Node {
    const items: Node[] = [];
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined || c === '|' || c === ')') break;
      if (c === '$' && this.pos === this.src.length - 1) break;
      items.push(this.quantified(this.atom()));
    }
    return { kind: 'seq', items };
  }

  private atom(): Node {
    const c = this.src[this.pos]!;
    if (c === '(') {
      this.pos++;
      if (this.src[this.pos] === '?') {
        if (this.src[this.pos + 1] !== ':') throw this.fail('unsupported');
        this.pos += 2;
      }
      const inner = this.alternation();
      if (this.src[this.pos] !== ')') throw this.fail('malformed');
      this.pos++;
      return inner;
    }
    if (c === '[') return { kind: 'char', test: this.charClass() };
    if (c === '.') {
      this.pos++;
      return { kind: 'char', test: (x) => x !== 10 && x !== 13 };
    }
    if (c === '\\') return { kind: 'char', test: this.escape(false) };
    if ('^$*+?{}'.includes(c)) throw this.fail('unsupported');
    this.pos++;
    const code = c.charCodeAt(0);
    return { kind: 'char', test: (x) => x === code };
  }

  private escape(inClass: boolean): CharTest {
    const e = this.src[this.pos + 1];
    if (e === undefined) throw this.fail('malformed');
    this.pos += 2;
    const cls = CLASS_ESCAPES[e];
    if (cls) return cls;
    if (LITERAL_ESCAPES.has(e) || (inClass && e === ']')) {
      const code = e.charCodeAt(0);
      return (x) => x === code;
    }
    this.pos -= 2;
    throw this.fail('unsupported');
  }

  private charClass(): CharTest {
    this.pos++; // [
    const negate = this.src[this.pos] === '^';
    if (negate) this.pos++;
    const tests: CharTest[] = [];
    let first = true;
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined) throw this.fail('malformed');
      if (c === ']' && !first) break;
      first = false;
      if (c === '\\') {
        tests.push(this.escape(true));
        continue;
      }
      if (c === '[') throw this.fail('unsupported');
      const lo = c.charCodeAt(0);
      this.pos++;
      if (this.src[this.pos] === '-' && this.src[this.pos + 1] !== undefined && this.src[this.pos + 1] !== ']') {
        const hiChar = this.src[this.pos + 1]!;
        if (hiChar === '\\' || hiChar === '[') throw this.fail('unsupported');
        const hi = hiChar.charCodeAt(0);
        if (hi < lo) throw this.fail('malformed');
        this.pos += 2;
        tests.push((x) => x >= lo && x <= hi);
      } else tests.push((x) => x === lo);
    }
    this.pos++; // ]
    return negate ? (x) => !tests.some((t) => t(x)) : (x) => tests.some((t) => t(x));
  }

  private number(): number {
    const start = this.pos;
    while (isDigit(this.src.charCodeAt(this.pos))) this.pos++;
    if (this.pos === start) throw this.fail('malformed');
    return Number(this.src.slice(start, this.pos));
  }

  private quantified(node: Node): Node {
    const c = this.src[this.pos];
    let min: number;
    let max: number;
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      this.pos++;
      min = this.number();
      max = min;
      if (this.src[this.pos] === ',') {
        this.pos++;
        max = this.src[this.pos] === '}' ? Infinity : this.number();
      }
      if (this.src[this.pos] !== '}') throw this.fail('malformed');
      if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT) || max < min) throw this.fail('too-complex');
    } else return node;
    this.pos++; // past the quantifier (or the closing brace)
    const after = this.src[this.pos];
    if (after !== undefined && '*+?{'.includes(after)) throw this.fail('unsupported'); // lazy or stacked quantifiers
    // A repeated group that repeats inside, `(a+)+`: harmless to our matcher, catastrophic to a
    // backtracking one (RegExp, and whatever else may read the same profile file): refused.
    if (max > 1 && repeats(node)) throw this.fail('too-complex');
    return { kind: 'repeat', node, min, max };
  }
}

// The NFA: states in an array; `char` states consume one character, `split` states branch.
type State = { kind: 'char'; test: CharTest; out: number } | { kind: 'split'; a: number; b: number } | { kind: 'match' };
interface Fragment {
  start: number;
  /** Indexes of states whose out (or a/b) is still to be patched, with which field. */
  holes: { state: number; field: 'out' | 'a' | 'b' }[];
}

class NfaBuilder {
  readonly states: State[] = [];

  private add(s: State): number {
    if (this.states.length >= MAX_STATES) throw new UsernamePatternError('too-complex', 0);
    this.states.push(s);
    return this.states.length - 1;
  }

  private patch(holes: Fragment['holes'], to: number): void {
    for (const h of holes) {
      const s = this.states[h.state]!;
      if (h.field === 'out' && s.kind === 'char') s.out = to;
      else if (s.kind === 'split') s[h.field as 'a' | 'b'] = to;
    }
  }

  /** A fragment that matches nothing-at-all (the empty string). */
  private empty(): Fragment {
    const s = this.add({ kind: 'split', a: -1, b: -1 });
    return { start: s, holes: [{ state: s, field: 'a' }, { state: s, field: 'b' }] };
  }

  build(node: Node): Fragment {
    switch (node.kind) {
      case 'char': {
        const s = this.add({ kind: 'char', test: node.test, out: -1 });
        return { start: s, holes: [{ state: s, field: 'out' }] };
      }
      case 'seq': {
        if (node.items.length === 0) return this.empty();
        let frag = this.build(node.items[0]!);
        for (const item of node.items.slice(1)) {
          const next = this.build(item);
          this.patch(frag.holes, next.start);
          frag = { start: frag.start, holes: next.holes };
        }
        return frag;
      }
      case 'alt': {
        let frag = this.build(node.options[0]!);
        for (const option of node.options.slice(1)) {
          const other = this.build(option);
          const s = this.add({ kind: 'split', a: frag.start, b: other.start });
          frag = { start: s, holes: [...frag.holes, ...other.holes] };
        }
        return frag;
      }
      case 'repeat': {
        // x{min,max}: min copies of x, then (max - min) optional copies, or x* when unbounded.
        const parts: Fragment[] = [];
        for (let i = 0; i < node.min; i++) parts.push(this.build(node.node));
        if (node.max === Infinity) {
          const body = this.build(node.node);
          const loop = this.add({ kind: 'split', a: body.start, b: -1 });
          this.patch(body.holes, loop);
          parts.push({ start: loop, holes: [{ state: loop, field: 'b' }] });
        } else {
          for (let i = node.min; i < node.max; i++) {
            const body = this.build(node.node);
            const opt = this.add({ kind: 'split', a: body.start, b: -1 });
            parts.push({ start: opt, holes: [...body.holes, { state: opt, field: 'b' }] });
          }
        }
        if (parts.length === 0) return this.empty();
        let frag = parts[0]!;
        for (const p of parts.slice(1)) {
          this.patch(frag.holes, p.start);
          frag = { start: frag.start, holes: p.holes };
        }
        return frag;
      }
    }
  }

  finish(frag: Fragment): number {
    const match = this.add({ kind: 'match' });
    this.patch(frag.holes, match);
    return frag.start;
  }
}

export interface UsernamePattern {
  readonly source: string;
  /** Does the whole name match? Linear in the name's length; names over MAX_NAME_LENGTH never match. */
  test(name: string): boolean;
}

/** Parses and compiles a pattern; throws UsernamePatternError for anything outside the subset. */
export function compileUsernamePattern(source: string): UsernamePattern {
  if (source.length > MAX_PATTERN_LENGTH) throw new UsernamePatternError('too-long', MAX_PATTERN_LENGTH);
  const ast = new Parser(source).parse();
  const builder = new NfaBuilder();
  const start = builder.finish(builder.build(ast));
  const states = builder.states;

  const closure = (set: Set<number>, s: number): void => {
    const stack = [s];
    while (stack.length > 0) {
      const i = stack.pop()!;
      if (i < 0 || set.has(i)) continue;
      set.add(i);
      const st = states[i]!;
      if (st.kind === 'split') stack.push(st.a, st.b);
    }
  };

  return {
    source,
    test(name: string): boolean {
      if (name.length > MAX_NAME_LENGTH) return false;
      let current = new Set<number>();
      closure(current, start);
      for (let i = 0; i < name.length && current.size > 0; i++) {
        const c = name.charCodeAt(i);
        const next = new Set<number>();
        for (const s of current) {
          const st = states[s]!;
          if (st.kind === 'char' && st.test(c)) closure(next, st.out);
        }
        current = next;
      }
      for (const s of current) if (states[s]!.kind === 'match') return true;
      return false;
    },
  };
}

const cache = new Map<string, UsernamePattern | null>();

/** For the UI: true when there is no pattern or it matches; an unusable pattern matches nothing. */
export function matchesUsernamePattern(source: string | undefined, name: string): boolean {
  if (!source) return true;
  let compiled = cache.get(source);
  if (compiled === undefined) {
    try {
      compiled = compileUsernamePattern(source);
    } catch {
      compiled = null;
    }
    if (cache.size > 50) cache.clear();
    cache.set(source, compiled);
  }
  return compiled !== null && compiled.test(name);
}

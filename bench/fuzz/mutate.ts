// Seeded mutations of real Dockerfiles for the fuzz harness. Pure: the same seed and corpus give the same
// inputs on every machine, so a failure found once can be replayed by its index.

/** mulberry32: small, fast, and good enough to spread mutations; not for anything secret. */
export function prng(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Random = () => number

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]
const int = (random: Random, max: number): number => Math.floor(random() * max)
/** Mostly small counts, sometimes large: 2^k with k uniform, so growth families are reached. */
const burst = (random: Random, maxPower: number): number => 2 ** int(random, maxPower + 1)

/** Words that steer the rules: keywords, shell commands they parse, variable syntax, object-property names. */
export const TOKENS = [
  'FROM scratch',
  'FROM alpine AS toString',
  'FROM toString',
  'USER root',
  'USER 0:0',
  'USER ${UID:-0}',
  'USER $__proto__',
  'ARG constructor=0',
  'ENV __proto__=1',
  'ENV A=$A$A',
  'RUN sudo -exec',
  ' -exec',
  ' -exec sudo {} \\;',
  'RUN chmod 4755 /bin/x',
  'RUN chmod u+s,g+s {}',
  'RUN setcap cap_sys_admin+ep /bin/x',
  'RUN find / -type d -exec chmod 777 {} +',
  'COPY --from=toString --chown=0:0 --chmod=4755 a /b',
  'COPY --from=0 a b',
  'RUN useradd -o -u 0 ops',
  'RUN apt-get install -y sudo',
  'RUN sudo valueOf hasOwnProperty',
  'EXPOSE 22 80/tcp 1-65535',
  'ONBUILD RUN chmod 777 /',
  '# least-privilege ignore=LP101,__proto__ reason',
  '# hadolint ignore=DL3002',
  '# escape=`',
  '# syntax=docker/dockerfile:1',
  'RUN <<EOF\nchmod u+s /x\nEOF',
  'CMD ["gosu","nobody","sh"]',
  'ENTRYPOINT su-exec 1000 /app',
  '${',
  '${A:-${B:-',
  '}',
  '$$',
  '\\\n',
  '`\n',
  '\r',
  '\t',
  '"',
  "'",
  '[',
  ']',
  '\u00a0',
  '\u202e',
  '\ufeff',
  'www.example.com',
  '::warning::x',
  '##[set-output name=x;]y',
  '%0A',
  '<script>',
  '|'
] as const

type Mutator = (lines: string[], random: Random, other: string[]) => string[]

const MUTATORS: readonly Mutator[] = [
  // Insert a token inside a line.
  (lines, random) => {
    const i = int(random, lines.length)
    const line = lines[i] ?? ''
    const at = int(random, line.length + 1)
    lines[i] = line.slice(0, at) + pick(random, TOKENS) + line.slice(at)
    return lines
  },
  // Insert a token as a line of its own.
  (lines, random) => {
    lines.splice(int(random, lines.length + 1), 0, pick(random, TOKENS))
    return lines
  },
  // Repeat a line, many times now and then.
  (lines, random) => {
    const i = int(random, lines.length)
    const copies = burst(random, 12)
    lines.splice(i, 0, ...Array.from({ length: copies }, () => lines[i] ?? ''))
    return lines
  },
  // Repeat a token within one line (long words, long lines).
  (lines, random) => {
    const i = int(random, lines.length)
    lines[i] = `${lines[i] ?? ''}${pick(random, TOKENS).repeat(burst(random, 12))}`
    return lines
  },
  // Delete a range of lines.
  (lines, random) => {
    const start = int(random, lines.length)
    lines.splice(start, 1 + int(random, 8))
    return lines
  },
  // Splice in lines from another file.
  (lines, random, other) => {
    const start = int(random, other.length)
    lines.splice(int(random, lines.length + 1), 0, ...other.slice(start, start + 1 + int(random, 20)))
    return lines
  },
  // Flip characters.
  (lines, random) => {
    const i = int(random, lines.length)
    const chars = [...(lines[i] ?? '')]
    for (let n = 1 + int(random, 4); n > 0 && chars.length > 0; n--)
      chars[int(random, chars.length)] = String.fromCharCode(int(random, 0x80))
    lines[i] = chars.join('')
    return lines
  },
  // Nest a word in default expansions.
  (lines, random) => {
    const i = int(random, lines.length)
    const depth = burst(random, 10)
    lines[i] = `${lines[i] ?? ''} ${'${V:-'.repeat(depth)}x${random() < 0.5 ? '}'.repeat(depth) : ''}`
    return lines
  },
  // Exponential expansion through doubling variables.
  (lines, random) => {
    const n = 1 + int(random, 40)
    const kind = pick(random, ['ENV', 'ARG'])
    lines.push(`${kind} A=xx`, ...Array.from({ length: n }, () => `${kind} A=$A$A`), 'USER $A')
    return lines
  },
  // Stage chains.
  (lines, random) => {
    const n = burst(random, 11)
    for (let s = 0; s < n; s++) lines.push(`FROM s${s - 1} AS s${s}`, `COPY --from=s${s - 1} /a /a`)
    return lines
  },
  // Continuations: join lines with a trailing backslash.
  (lines, random) => {
    const i = int(random, lines.length)
    for (let k = 0; k < 1 + int(random, 50) && i + k < lines.length; k++) lines[i + k] += ' \\'
    return lines
  },
  // Line endings and encodings.
  (lines, random) => lines.map(line => (random() < 0.1 ? `${line}\r` : line))
]

export const MAX_INPUT_BYTES = 4 * 1024 * 1024 + 1024

/** Input number `index` of the run with `seed` over `corpus` (deterministic). */
export function mutant(corpus: readonly string[], seed: number, index: number): string {
  const random = prng((seed * 0x9e3779b1) ^ (index + 1))
  const base = corpus[int(random, corpus.length)] ?? 'FROM scratch\n'
  const other = (corpus[int(random, corpus.length)] ?? '').split('\n')
  let lines = base.split('\n')
  for (let n = 1 + int(random, 4); n > 0; n--) {
    lines = pick(random, MUTATORS)(lines, random, other)
    // Keep inputs near the tool's 4 MiB cap at most; a little over it tests the cap itself.
    if (lines.reduce((sum, line) => sum + line.length + 1, 0) > MAX_INPUT_BYTES) break
  }
  return lines.join('\n').slice(0, MAX_INPUT_BYTES)
}

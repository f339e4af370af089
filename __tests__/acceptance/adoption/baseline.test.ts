// New-findings gate acceptance cases (contract C): `scan PATH... --baseline REF` compares the files on disk
// with the same paths at a git revision, judged with the head's config, and fails only on new findings.
// Written from the contract and the docs only; each case runs the bundled CLI in a temporary git repository.
import { describe, it, afterAll, expect } from '@jest/globals'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type * as sarif from 'sarif'
import { reportSchemaErrors } from '../../report/report-schema'
import {
  active,
  cleanup,
  commitAll,
  errorProblems,
  expectRun,
  files,
  findings,
  git,
  repo,
  scan,
  tree,
  write,
  type Run
} from './support'

afterAll(cleanup)

/** Ten findings: LP101 (no USER, debian), LP200 (Docker defaults) and eight LP401, lines 2-9. */
const TEN =
  ['FROM debian', ...[1, 2, 3, 4, 5, 6, 7, 8].map(i => `RUN chmod u+s /bin/x${i}`)].join('\n') + '\n'
/** TEN plus one more setuid: eleven. */
const ELEVEN = TEN + 'RUN chmod u+s /bin/x9\n'
/** Non-root with one LP401 (line 2) and LP200: two findings, one error. */
const ONE = 'FROM debian\nRUN chmod u+s /bin/a\nUSER 1000\nCMD ["sh"]\n'

type Counts = { new: number; fixed: number; unchanged: number }

function counts(run: Run): Counts | undefined {
  const b = run.report?.baseline
  return b ? { new: b.new, fixed: b.fixed, unchanged: b.unchanged } : undefined
}

/** Asserts the exit status and the baseline counts together, with the run attached. */
function expectGate(run: Run, code: number, want: Counts): void {
  const problems: string[] = []
  if (run.code !== code) problems.push(`exit ${run.code}, expected ${code}`)
  const got = counts(run)
  if (JSON.stringify(got) !== JSON.stringify(want))
    problems.push(`baseline ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`)
  expectRun(run, problems)
}

function states(run: Run, rule?: string): string[] {
  return active(run, rule).map(f => `${f.rule_id}@${f.line}:${f.baseline_state}`)
}

async function head(root: string, rev = 'HEAD'): Promise<string> {
  return (await git(root, 'rev-parse', `${rev}^{commit}`)).trim()
}

describe('C headline: ten existing problems, one added', () => {
  it('a working-tree change that adds one: exit 1, new 1, unchanged 10', async () => {
    const root = await repo({ Dockerfile: TEN })
    const sha = await head(root)
    writeFileSync(join(root, 'Dockerfile'), ELEVEN)
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    expectGate(run, 1, { new: 1, fixed: 0, unchanged: 10 })
    expect(run.report?.baseline).toMatchObject({ ref: 'HEAD', commit: sha, fixed_findings: [] })
    expect(states(run).filter(s => s.endsWith(':new'))).toEqual(['LP401@10:new'])
  })

  it('a new commit compared with HEAD~1: exit 1, new 1, unchanged 10', async () => {
    const root = await repo({ Dockerfile: TEN })
    const base = await head(root)
    writeFileSync(join(root, 'Dockerfile'), ELEVEN)
    await commitAll(root, 'add one')
    const run = await scan(root, ['.', '--baseline', 'HEAD~1'])
    expectGate(run, 1, { new: 1, fixed: 0, unchanged: 10 })
    expect(run.report?.baseline).toMatchObject({ ref: 'HEAD~1', commit: base })
  })

  it('the same repository without the change: exit 0 although ten findings (nine errors) remain', async () => {
    const root = await repo({ Dockerfile: TEN })
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    expectGate(run, 0, { new: 0, fixed: 0, unchanged: 10 })
    expect(active(run).filter(f => f.level === 'error').length).toBe(9)
    expect(states(run).every(s => s.endsWith(':unchanged'))).toBe(true)
  })

  it('the report with a baseline still validates against schema/report.schema.json', async () => {
    const root = await repo({ Dockerfile: TEN })
    writeFileSync(join(root, 'Dockerfile'), ELEVEN)
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    expect(reportSchemaErrors(run.report)).toEqual([])
  })
})

describe('C REF forms', () => {
  it('a branch name', async () => {
    const root = await repo({ Dockerfile: TEN })
    const base = await head(root)
    await git(root, 'branch', 'release/1.x')
    writeFileSync(join(root, 'Dockerfile'), ELEVEN)
    await commitAll(root)
    const run = await scan(root, ['.', '--baseline', 'release/1.x'])
    expectGate(run, 1, { new: 1, fixed: 0, unchanged: 10 })
    expect(run.report?.baseline).toMatchObject({ ref: 'release/1.x', commit: base })
  })

  it('an annotated tag: commit is the tagged commit, not the tag object', async () => {
    const root = await repo({ Dockerfile: TEN })
    const base = await head(root)
    await git(root, 'tag', '-a', 'v1.0.0', '-m', 'release')
    writeFileSync(join(root, 'Dockerfile'), ELEVEN)
    await commitAll(root)
    const run = await scan(root, ['.', '--baseline', 'v1.0.0'])
    expectGate(run, 1, { new: 1, fixed: 0, unchanged: 10 })
    expect(run.report?.baseline?.commit).toBe(base)
    expect(run.report?.baseline?.commit).toMatch(/^[0-9a-f]{40}$/)
  })

  it('a remote-tracking branch of a clone (origin/main)', async () => {
    const upstream = await repo({ Dockerfile: ONE })
    const base = await head(upstream)
    const clone = tree({}, 'lp-adopt-clone-')
    await git(clone, 'clone', '-q', upstream, '.')
    writeFileSync(join(clone, 'Dockerfile'), ONE.replace('USER', 'RUN chmod u+s /bin/b\nUSER'))
    const run = await scan(clone, ['.', '--baseline', 'origin/main'])
    expectGate(run, 1, { new: 1, fixed: 0, unchanged: 2 })
    expect(run.report?.baseline).toMatchObject({ ref: 'origin/main', commit: base })
  })

  it('a full and a short sha', async () => {
    const root = await repo({ Dockerfile: TEN })
    const base = await head(root)
    writeFileSync(join(root, 'Dockerfile'), ELEVEN)
    await commitAll(root)
    for (const ref of [base, base.slice(0, 8)]) {
      const run = await scan(root, ['.', '--baseline', ref])
      expectGate(run, 1, { new: 1, fixed: 0, unchanged: 10 })
      expect(run.report?.baseline).toMatchObject({ ref, commit: base })
    }
  })

  it('the --baseline=REF form', async () => {
    const root = await repo({ Dockerfile: TEN })
    writeFileSync(join(root, 'Dockerfile'), ELEVEN)
    const run = await scan(root, ['.', '--baseline=HEAD'])
    expectGate(run, 1, { new: 1, fixed: 0, unchanged: 10 })
  })
})

describe('C fingerprints', () => {
  it('lines inserted above keep findings unchanged (at their new lines)', async () => {
    const root = await repo({ Dockerfile: ONE })
    writeFileSync(
      join(root, 'Dockerfile'),
      'FROM debian\n# a comment\nLABEL a=b\nWORKDIR /app\nRUN chmod u+s /bin/a\nUSER 1000\nCMD ["sh"]\n'
    )
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    expectGate(run, 0, { new: 0, fixed: 0, unchanged: 2 })
    expect(states(run, 'LP401')).toEqual(['LP401@5:unchanged'])
  })

  it('whitespace, a line continuation and keyword case do not matter', async () => {
    const root = await repo({ Dockerfile: ONE })
    writeFileSync(
      join(root, 'Dockerfile'),
      'from   debian\nrun   chmod  u+s \\\n    /bin/a\nuser 1000\ncmd ["sh"]\n'
    )
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    expectGate(run, 0, { new: 0, fixed: 0, unchanged: 2 })
  })

  // DOCUMENTED (README "New findings only"): a finding's fingerprint is the text of the lines it points at
  // (the physical line of the command inside a RUN, where the fix goes), normalised. Re-wrapping a RUN over
  // continuation lines moves its commands to other lines: those findings are new and the old ones fixed.
  // Adding a command on a line of its own leaves the findings' lines, and so their identity, alone.
  it('re-wrapping a RUN over continuation lines changes the lines its findings point at: new and fixed', async () => {
    const root = await repo({
      Dockerfile: 'FROM debian\nRUN chmod u+s /bin/a && chmod 777 /d\nUSER 1000\n'
    })
    writeFileSync(
      join(root, 'Dockerfile'),
      'FROM debian\nRUN chmod u+s /bin/a \\\n && chmod 777 /d\nUSER 1000\n'
    )
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    expectGate(run, 1, { new: 2, fixed: 2, unchanged: 1 })
  })

  it('joining a continued RUN onto one line: the finding whose line changed is new, the other unchanged', async () => {
    const root = await repo({
      Dockerfile: 'FROM debian\nRUN chmod u+s \\\n    /bin/a \\\n && chmod 777 /d\nUSER 1000\n'
    })
    writeFileSync(join(root, 'Dockerfile'), 'FROM debian\nRUN chmod u+s /bin/a && chmod 777 /d\nUSER 1000\n')
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    // The new one is the world-writable chmod (a warning): below the default --fail-on error.
    expectGate(run, 0, { new: 1, fixed: 1, unchanged: 2 })
  })

  it('appending a command on a continuation line of its own keeps the findings unchanged', async () => {
    const root = await repo({
      Dockerfile: 'FROM debian\nRUN chmod u+s /bin/a && chmod 777 /d\nUSER 1000\n'
    })
    writeFileSync(
      join(root, 'Dockerfile'),
      'FROM debian\nRUN chmod u+s /bin/a && chmod 777 /d \\\n && echo done\nUSER 1000\n'
    )
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    expectGate(run, 0, { new: 0, fixed: 0, unchanged: 3 })
  })

  it('in a continued RUN, comment and blank continuation lines, trailing blanks and the escape directive do not matter', async () => {
    const base = 'FROM debian\nRUN chmod u+s /bin/a \\\n && chmod 777 /d\nUSER 1000\n'
    const heads = [
      'FROM debian\nRUN chmod u+s /bin/a \\\n# a comment\n && chmod 777 /d\nUSER 1000\n',
      'FROM debian\nRUN chmod u+s /bin/a \\\n\n && chmod 777 /d\nUSER 1000\n',
      'FROM debian\nRUN chmod u+s /bin/a \\  \n && chmod 777 /d\nUSER 1000\n',
      '# escape=`\nFROM debian\nRUN chmod u+s /bin/a `\n && chmod 777 /d\nUSER 1000\n'
    ]
    const root = await repo({ Dockerfile: base })
    for (const text of heads) {
      writeFileSync(join(root, 'Dockerfile'), text)
      const run = await scan(root, ['.', '--baseline', 'HEAD'])
      expectGate(run, 0, { new: 0, fixed: 0, unchanged: 3 })
    }
  })

  it('CRLF line ends at head keep findings unchanged', async () => {
    const root = await repo({ Dockerfile: ONE })
    writeFileSync(join(root, 'Dockerfile'), ONE.replace(/\n/g, '\r\n'))
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    expectGate(run, 0, { new: 0, fixed: 0, unchanged: 2 })
  })

  it('reordered instructions keep findings unchanged', async () => {
    const root = await repo({
      Dockerfile: 'FROM debian\nRUN chmod u+s /bin/a\nRUN chmod u+s /bin/b\nUSER 1000\n'
    })
    writeFileSync(
      join(root, 'Dockerfile'),
      'FROM debian\nRUN chmod u+s /bin/b\nRUN chmod u+s /bin/a\nUSER 1000\n'
    )
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    expectGate(run, 0, { new: 0, fixed: 0, unchanged: 3 })
  })

  it('a changed instruction is new, and the old one fixed (with its base rule, file, line and message)', async () => {
    const root = await repo({ Dockerfile: ONE })
    writeFileSync(
      join(root, 'Dockerfile'),
      'FROM debian\nLABEL x=y\nRUN chmod u+s /bin/zzz\nUSER 1000\nCMD ["sh"]\n'
    )
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    expectGate(run, 1, { new: 1, fixed: 1, unchanged: 1 })
    expect(states(run, 'LP401')).toEqual(['LP401@3:new'])
    const fixed = run.report?.baseline?.fixed_findings ?? []
    expect(fixed).toEqual([expect.objectContaining({ rule_id: 'LP401', file: 'Dockerfile', line: 2 })])
    expect(fixed[0]?.message).toContain('/bin/a')
  })

  it('a removed finding is fixed and the gate passes', async () => {
    const root = await repo({ Dockerfile: TEN })
    writeFileSync(join(root, 'Dockerfile'), TEN.replace('RUN chmod u+s /bin/x5\n', ''))
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    expectGate(run, 0, { new: 0, fixed: 1, unchanged: 9 })
    expect(run.report?.baseline?.fixed_findings).toEqual([
      expect.objectContaining({
        rule_id: 'LP401',
        file: 'Dockerfile',
        line: 6,
        message: expect.stringContaining('/bin/x5')
      })
    ])
  })

  it('a second identical instruction in the same file is a new occurrence', async () => {
    const root = await repo({ Dockerfile: ONE })
    writeFileSync(
      join(root, 'Dockerfile'),
      'FROM debian\nRUN chmod u+s /bin/a\nRUN chmod u+s /bin/a\nUSER 1000\nCMD ["sh"]\n'
    )
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    expectGate(run, 1, { new: 1, fixed: 0, unchanged: 2 })
    expect(states(run, 'LP401').sort()).toEqual(['LP401@2:unchanged', 'LP401@3:new'].sort())
  })

  it('one of two identical instructions removed: one fixed, one unchanged', async () => {
    const root = await repo({
      Dockerfile: 'FROM debian\nRUN chmod u+s /bin/a\nRUN chmod u+s /bin/a\nUSER 1000\n'
    })
    writeFileSync(join(root, 'Dockerfile'), 'FROM debian\nRUN chmod u+s /bin/a\nUSER 1000\n')
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    expectGate(run, 0, { new: 0, fixed: 1, unchanged: 2 })
  })

  it('the same instruction in another file is new there', async () => {
    const root = await repo({ 'a/Dockerfile': ONE, 'b/Dockerfile': 'FROM debian\nUSER 1000\nCMD ["sh"]\n' })
    writeFileSync(join(root, 'b/Dockerfile'), ONE)
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    expectGate(run, 1, { new: 1, fixed: 0, unchanged: 3 })
    expect(
      active(run, 'LP401')
        .map(f => `${f.file}:${f.baseline_state}`)
        .sort()
    ).toEqual(['a/Dockerfile:unchanged', 'b/Dockerfile:new'])
  })

  it('a file renamed with git mv (same content, not committed) keeps its findings unchanged', async () => {
    const root = await repo({ 'svc/Dockerfile': TEN })
    await git(root, 'mv', 'svc/Dockerfile', 'svc/api.Dockerfile')
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    expectGate(run, 0, { new: 0, fixed: 0, unchanged: 10 })
  })

  it('a renamed file committed, compared with HEAD~1, keeps its findings unchanged', async () => {
    const root = await repo({ 'old/Dockerfile': TEN })
    await git(root, 'mv', 'old', 'new')
    await commitAll(root, 'rename')
    const run = await scan(root, ['.', '--baseline', 'HEAD~1'])
    expectGate(run, 0, { new: 0, fixed: 0, unchanged: 10 })
  })

  it('a rename into a path with spaces and unicode keeps its findings unchanged', async () => {
    const root = await repo({ Dockerfile: TEN })
    await git(root, 'mv', 'Dockerfile', 'sérvice app.Dockerfile')
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    expectGate(run, 0, { new: 0, fixed: 0, unchanged: 10 })
  })

  it('a renamed file scanned by its new path keeps its findings unchanged', async () => {
    const root = await repo({ 'old/Dockerfile': TEN })
    await git(root, 'mv', 'old/Dockerfile', 'old/Containerfile')
    const run = await scan(root, ['old/Containerfile', '--baseline', 'HEAD'])
    expectGate(run, 0, { new: 0, fixed: 0, unchanged: 10 })
  })

  it('a changed FROM line makes the LP101 it carries new', async () => {
    const root = await repo({ Dockerfile: 'FROM debian\nCMD ["sh"]\n' })
    writeFileSync(join(root, 'Dockerfile'), 'FROM debian:bookworm\nCMD ["sh"]\n')
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    expect(run.code).toBe(1)
    expect(states(run, 'LP101')).toEqual(['LP101@1:new'])
    expect(run.report?.baseline?.fixed_findings.map(f => f.rule_id)).toContain('LP101')
  })

  it('keyword case and spacing of a multi-stage FROM ... AS do not matter', async () => {
    const root = await repo({
      Dockerfile: 'FROM debian AS base\nRUN chmod u+s /bin/a\nFROM base\nCMD ["sh"]\n'
    })
    writeFileSync(
      join(root, 'Dockerfile'),
      'from  debian  as  base\nrun chmod u+s /bin/a\nfrom base\ncmd ["sh"]\n'
    )
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    expect(run.code).toBe(0)
    expect(run.report?.baseline?.new).toBe(0)
    expect(run.report?.baseline?.fixed).toBe(0)
  })

  it('a rename with one line added (git still sees a rename): only that line is new', async () => {
    const root = await repo({ Dockerfile: TEN })
    await git(root, 'mv', 'Dockerfile', 'api.Dockerfile')
    writeFileSync(join(root, 'api.Dockerfile'), ELEVEN)
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    expectGate(run, 1, { new: 1, fixed: 0, unchanged: 10 })
  })

  it('renames of unicode and quoted paths (git quotes them in its output) keep findings unchanged', async () => {
    const root = await repo({ 'sérvice/Dockerfile': TEN, 'a"b c/Dockerfile': ONE })
    await git(root, 'mv', 'sérvice', '日本')
    await git(root, 'mv', 'a"b c', 'q"x y')
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    expectGate(run, 0, { new: 0, fixed: 0, unchanged: 12 })
  })

  it('CRLF at the base and LF at head keep findings unchanged', async () => {
    const root = await repo({ Dockerfile: ONE.replace(/\n/g, '\r\n') })
    writeFileSync(join(root, 'Dockerfile'), ONE)
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    expectGate(run, 0, { new: 0, fixed: 0, unchanged: 2 })
  })

  it('the head is the disk: a staged change reverted in the working tree is not new', async () => {
    const root = await repo({ Dockerfile: ONE })
    writeFileSync(join(root, 'Dockerfile'), ONE.replace('USER', 'RUN chmod u+s /bin/b\nUSER'))
    await git(root, 'add', 'Dockerfile')
    writeFileSync(join(root, 'Dockerfile'), ONE)
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    expectGate(run, 0, { new: 0, fixed: 0, unchanged: 2 })
  })

  it('--exclude applies to both sides', async () => {
    const root = await repo({ Dockerfile: ONE, 'legacy/Dockerfile': TEN })
    writeFileSync(join(root, 'legacy/Dockerfile'), ELEVEN)
    const run = await scan(root, ['.', '--baseline', 'HEAD', '--exclude', 'legacy'])
    expectGate(run, 0, { new: 0, fixed: 0, unchanged: 2 })
  })

  it('an expired ignore (head config) un-suppresses the finding on both sides: unchanged, the gate passes', async () => {
    const root = await repo({
      Dockerfile: ONE,
      '.least-privilege.yml': 'ignore:\n  - rule: LP401\n    reason: r\n    expires: 2025-01-31\n'
    })
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    expectGate(run, 0, { new: 0, fixed: 0, unchanged: 2 })
  })

  it('a Kubernetes manifest added at head: its image-only findings are new', async () => {
    const manifest =
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n    - name: x\n      image: example.com/x:1\n      securityContext:\n        privileged: true\n'
    const root = await repo({ Dockerfile: 'FROM debian\nUSER 1000\nCMD ["sh"]\n' })
    write(root, { 'k8s/pod.yaml': manifest })
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    expect(run.code).toBe(1)
    const k8s = active(run).filter(f => f.file === 'k8s/pod.yaml')
    expect(k8s.length).toBeGreaterThan(0)
    expect(k8s.every(f => f.baseline_state === 'new')).toBe(true)
    expect(run.report?.baseline?.unchanged).toBe(1)
  })

  it('a Dockerfile deployed by two compose services: its new finding counts once', async () => {
    const root = await repo({
      'app/Dockerfile': ONE,
      'compose.yaml': 'services:\n  a:\n    build: ./app\n  b:\n    build: ./app\n    cap_drop: [ALL]\n'
    })
    writeFileSync(join(root, 'app/Dockerfile'), ONE.replace('USER', 'RUN chmod u+s /bin/b\nUSER'))
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    expect(run.code).toBe(1)
    expect(run.report?.baseline?.new).toBe(1)
    expect(run.report?.baseline?.fixed).toBe(0)
  })

  it('--repo-root a subfolder of the repository: the base is still read from git', async () => {
    const root = await repo({ 'sub/app/Dockerfile': ONE })
    writeFileSync(join(root, 'sub/app/Dockerfile'), ONE.replace('USER', 'RUN chmod u+s /bin/b\nUSER'))
    const run = await scan(root, ['sub', '--repo-root', 'sub', '--baseline', 'HEAD'])
    expectGate(run, 1, { new: 1, fixed: 0, unchanged: 2 })
    expect(files(run)).toEqual(['app/Dockerfile'])
  })

  it('a copy beside its original is new (a copy is not a rename)', async () => {
    const root = await repo({ 'a/Dockerfile': ONE })
    write(root, { 'b/Dockerfile': ONE })
    await git(root, 'add', '-A')
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    expectGate(run, 1, { new: 2, fixed: 0, unchanged: 2 })
  })

  it('the verdict does not depend on the index: git mv, a new file at the old path, before and after git add', async () => {
    const root = await repo({ 'a/Dockerfile': TEN })
    await git(root, 'mv', 'a', 'c')
    write(root, { 'a/Dockerfile': 'FROM debian\nRUN chmod 777 /q\nUSER 1000\n' })
    const before = await scan(root, ['.', '--baseline', 'HEAD'])
    await git(root, 'add', '-A')
    const after = await scan(root, ['.', '--baseline', 'HEAD'])
    expect({ code: after.code, counts: counts(after) }).toEqual({
      code: before.code,
      counts: counts(before)
    })
  })

  // IMPLEMENTATION BUG: one base finding is matched twice. After `git mv a c` and a new a/Dockerfile (staged),
  // c's ten findings are unchanged through the rename AND the new a/Dockerfile's LP200 ("FROM debian") is
  // unchanged against the same base finding: unchanged 11 + fixed 0 from a base of 10 findings. Each base
  // finding is either still there (unchanged) or not (fixed): unchanged + fixed must equal the base's count.
  it('unchanged + fixed equals the base count (a base finding is matched once)', async () => {
    const root = await repo({ 'a/Dockerfile': TEN })
    await git(root, 'mv', 'a', 'c')
    write(root, { 'a/Dockerfile': 'FROM debian\nRUN chmod 777 /q\nUSER 1000\n' })
    await git(root, 'add', '-A')
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    const c = counts(run)
    expect({ sum: (c?.unchanged ?? 0) + (c?.fixed ?? 0), c }).toEqual({ sum: 10, c })
  })

  it('a file that did not exist at REF: all its findings are new, no error', async () => {
    const root = await repo({ Dockerfile: 'FROM debian\nUSER 1000\nCMD ["sh"]\n' })
    write(root, { 'worker/Dockerfile': ONE })
    await commitAll(root, 'add worker')
    const run = await scan(root, ['worker/Dockerfile', '--baseline', 'HEAD~1'])
    expectGate(run, 1, { new: 2, fixed: 0, unchanged: 0 })
  })

  it('an untracked Dockerfile found by a folder search is new', async () => {
    const root = await repo({ 'a/Dockerfile': ONE })
    write(root, { 'b/Dockerfile': ONE })
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    expectGate(run, 1, { new: 2, fixed: 0, unchanged: 2 })
  })

  it('a Dockerfile deleted at head: its findings are fixed', async () => {
    const root = await repo({ 'a/Dockerfile': ONE, 'b/Dockerfile': ONE })
    rmSync(join(root, 'b'), { recursive: true })
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    expectGate(run, 0, { new: 0, fixed: 2, unchanged: 2 })
  })

  it('a path with spaces and unicode names, scanned explicitly', async () => {
    const root = await repo({ 'my app/ünï.Dockerfile': ONE })
    writeFileSync(join(root, 'my app/ünï.Dockerfile'), ONE.replace('USER', 'RUN chmod u+s /bin/b\nUSER'))
    const run = await scan(root, ['my app/ünï.Dockerfile', '--baseline', 'HEAD'])
    expectGate(run, 1, { new: 1, fixed: 0, unchanged: 2 })
  })

  it('a subfolder scanned from inside it', async () => {
    const root = await repo({ 'svc/Dockerfile': ONE, 'other/Dockerfile': TEN })
    writeFileSync(join(root, 'svc/Dockerfile'), ONE + 'RUN chmod 4755 /bin/c\n')
    const run = await scan(root, ['.', '--baseline', 'HEAD'], { cwd: 'svc' })
    expectGate(run, 1, { new: 1, fixed: 0, unchanged: 2 })
  })

  it('a deployment finding added in a compose file is new', async () => {
    const compose =
      'services:\n  app:\n    build: ./app\n    cap_drop: [ALL]\n    security_opt: [no-new-privileges:true]\n'
    const root = await repo({
      'app/Dockerfile': 'FROM debian\nUSER 1000\nCMD ["sh"]\n',
      'compose.yaml': compose
    })
    writeFileSync(join(root, 'compose.yaml'), compose + '    privileged: true\n')
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    expect(run.code).toBe(1)
    const lp220 = active(run, 'LP220')
    expect(lp220.map(f => [f.file, f.baseline_state])).toEqual([['compose.yaml', 'new']])
    expect(run.report?.baseline?.new).toBeGreaterThanOrEqual(1)
  })
})

describe('C the gate', () => {
  it('an unchanged finding raised to error by the head config does not fail; a new one does', async () => {
    const root = await repo({ Dockerfile: 'FROM debian\nRUN chmod 777 /a\nUSER 1000\n' })
    write(root, { '.least-privilege.yml': 'rules:\n  LP403: error\n' })
    const unchanged = await scan(root, ['.', '--baseline', 'HEAD'])
    expectGate(unchanged, 0, { new: 0, fixed: 0, unchanged: 2 })
    expect(active(unchanged, 'LP403').map(f => f.level)).toEqual(['error'])
    writeFileSync(join(root, 'Dockerfile'), 'FROM debian\nRUN chmod 777 /a\nRUN chmod 777 /b\nUSER 1000\n')
    const added = await scan(root, ['.', '--baseline', 'HEAD'])
    expectGate(added, 1, { new: 1, fixed: 0, unchanged: 2 })
  })

  it('the base side is judged with the head config: a rule turned off at head is off on both sides (not fixed)', async () => {
    const root = await repo({ Dockerfile: TEN })
    write(root, { '.least-privilege.yml': 'rules:\n  LP401: off\n' })
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    expectGate(run, 0, { new: 0, fixed: 0, unchanged: 2 })
  })

  it('the base side is judged with the head flags (--run-options)', async () => {
    const root = await repo({ Dockerfile: ONE })
    const run = await scan(root, [
      '.',
      '--baseline',
      'HEAD',
      '--run-options',
      '--cap-drop ALL --security-opt no-new-privileges'
    ])
    expect(run.code).toBe(0)
    expect(run.report?.baseline?.new).toBe(0)
    expect(run.report?.baseline?.fixed).toBe(0)
  })

  it('a broken config file at the base does not matter: the head config judges both sides', async () => {
    const root = await repo({ Dockerfile: ONE, '.least-privilege.yml': 'imagez: 1\n' })
    writeFileSync(join(root, '.least-privilege.yml'), 'rules:\n  LP200: off\n')
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    expectGate(run, 0, { new: 0, fixed: 0, unchanged: 1 })
  })

  it('a deployment file named with --deployment is read at the base too', async () => {
    const stack = 'services:\n  app:\n    build: ../app\n    privileged: true\n'
    const root = await repo({
      'app/Dockerfile': 'FROM debian\nUSER 1000\nCMD ["sh"]\n',
      'deploy/stack.yml': stack
    })
    const same = await scan(root, ['app', '--deployment', 'deploy/stack.yml', '--baseline', 'HEAD'])
    expect(same.code).toBe(0)
    expect(same.report?.baseline?.new).toBe(0)
    writeFileSync(join(root, 'deploy/stack.yml'), stack + '    pid: host\n')
    const added = await scan(root, ['app', '--deployment', 'deploy/stack.yml', '--baseline', 'HEAD'])
    expect(added.code).toBe(1)
    expect(added.report?.baseline?.new).toBe(1)
    expect(
      active(added)
        .filter(f => f.baseline_state === 'new')
        .map(f => f.file)
    ).toEqual(['deploy/stack.yml'])
  })

  it('a new finding suppressed by an ignore is not counted and does not fail', async () => {
    const root = await repo({
      Dockerfile: ONE,
      '.least-privilege.yml': 'ignore:\n  - rule: LP403\n    reason: accepted\n'
    })
    writeFileSync(
      join(root, 'Dockerfile'),
      'FROM debian\nRUN chmod u+s /bin/a\nRUN chmod 777 /tmp/x\nUSER 1000\nCMD ["sh"]\n'
    )
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    expectGate(run, 0, { new: 0, fixed: 0, unchanged: 2 })
  })

  it('an ignore added at head: the base finding it covers is not counted as fixed', async () => {
    const root = await repo({ Dockerfile: ONE })
    write(root, { '.least-privilege.yml': 'ignore:\n  - rule: LP401\n    reason: accepted\n' })
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    expectGate(run, 0, { new: 0, fixed: 0, unchanged: 1 })
  })

  it('--fail-on warning: a new warning fails, a new note does not', async () => {
    const root = await repo({ Dockerfile: 'FROM debian\nUSER 1000\nCMD ["sh"]\n' })
    writeFileSync(join(root, 'Dockerfile'), 'FROM debian\nEXPOSE 80\nUSER 1000\nCMD ["sh"]\n')
    const note = await scan(root, ['.', '--baseline', 'HEAD', '--fail-on', 'warning'])
    expectGate(note, 0, { new: 1, fixed: 0, unchanged: 1 })
    writeFileSync(join(root, 'Dockerfile'), 'FROM debian\nRUN chmod 777 /srv\nUSER 1000\nCMD ["sh"]\n')
    const warning = await scan(root, ['.', '--baseline', 'HEAD', '--fail-on', 'warning'])
    expectGate(warning, 1, { new: 1, fixed: 0, unchanged: 1 })
  })

  it('--fail-on never: new errors do not fail', async () => {
    const root = await repo({ Dockerfile: TEN })
    writeFileSync(join(root, 'Dockerfile'), ELEVEN)
    const run = await scan(root, ['.', '--baseline', 'HEAD', '--fail-on', 'never'])
    expectGate(run, 0, { new: 1, fixed: 0, unchanged: 10 })
  })
})

describe('C errors', () => {
  it('an unknown REF is exit 2, one line naming --baseline and the ref', async () => {
    const root = await repo({ Dockerfile: ONE })
    const run = await scan(root, ['.', '--baseline', 'no-such-branch'])
    expectRun(run, errorProblems(run, /--baseline/, /no-such-branch/))
  })

  it('HEAD~1 in a repository with one commit is an unknown ref', async () => {
    const root = await repo({ Dockerfile: ONE })
    const run = await scan(root, ['.', '--baseline', 'HEAD~1'])
    expectRun(run, errorProblems(run, /--baseline/, /HEAD~1/))
  })

  it('a ref that looks like an option value is not run as a git option', async () => {
    const root = await repo({ Dockerfile: ONE })
    const run = await scan(root, ['.', '--baseline=--all'])
    expectRun(run, errorProblems(run, /--baseline/))
  })

  it('a tree, a blob path or a range is not a commit: exit 2 naming --baseline', async () => {
    const root = await repo({ Dockerfile: ONE })
    await commitAll(root, 'second')
    for (const ref of ['HEAD^{tree}', 'HEAD:Dockerfile', 'HEAD~1..HEAD']) {
      const run = await scan(root, ['.', '--baseline', ref])
      expectRun(run, errorProblems(run, /--baseline/))
    }
  })

  it('a shallow clone without the base commit: exit 2 naming --baseline', async () => {
    const upstream = await repo({ Dockerfile: ONE })
    writeFileSync(join(upstream, 'Dockerfile'), ONE + 'EXPOSE 80\n')
    await commitAll(upstream, 'second')
    const clone = tree({}, 'lp-adopt-shallow-')
    await git(clone, 'clone', '-q', '--depth', '1', `file://${upstream}`, '.')
    const run = await scan(clone, ['.', '--baseline', 'HEAD~1'])
    expectRun(run, errorProblems(run, /--baseline/, /HEAD~1/))
  })

  it('a repository without commits: exit 2 naming --baseline', async () => {
    const root = await repo({ Dockerfile: ONE }, false)
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    expectRun(run, errorProblems(run, /--baseline/))
  })

  it('not a git repository: exit 2, one line', async () => {
    const root = tree({ Dockerfile: ONE })
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    expectRun(run, errorProblems(run, /git|repositor/i))
  })

  it('--baseline without a value is a usage error naming it', async () => {
    const root = await repo({ Dockerfile: ONE })
    const run = await scan(root, ['.', '--baseline'])
    expectRun(run, errorProblems(run, /--baseline/))
  })
})

describe('C formats', () => {
  async function added(): Promise<{ root: string; sha: string }> {
    const root = await repo({ Dockerfile: TEN })
    const sha = await head(root)
    writeFileSync(
      join(root, 'Dockerfile'),
      TEN.replace('RUN chmod u+s /bin/x1\n', 'RUN chmod u+s /bin/y1\nRUN chmod u+s /bin/y2\n')
    )
    return { root, sha }
  }

  it('JSON: every unsuppressed finding has baseline_state new or unchanged', async () => {
    const { root } = await added()
    const run = await scan(root, ['.', '--baseline', 'HEAD'])
    expectGate(run, 1, { new: 2, fixed: 1, unchanged: 9 })
    expect(findings(run).every(f => f.baseline_state === 'new' || f.baseline_state === 'unchanged')).toBe(
      true
    )
    expect(states(run, 'LP401').filter(s => s.endsWith(':new'))).toEqual(['LP401@2:new', 'LP401@3:new'])
  })

  it('SARIF: each result has baselineState new or unchanged', async () => {
    const { root } = await added()
    const run = await scan(root, ['.', '--baseline', 'HEAD'], { format: 'sarif' })
    expect(run.code).toBe(1)
    const results = (JSON.parse(run.stdout) as sarif.Log).runs.flatMap(r => r.results ?? [])
    const byState: Record<string, number> = {}
    for (const r of results) byState[String(r.baselineState)] = (byState[String(r.baselineState)] ?? 0) + 1
    expect(byState).toEqual({ new: 2, unchanged: 9 })
  })

  it('text: Baseline <ref> (<short sha>): N new, N fixed, N unchanged', async () => {
    const { root, sha } = await added()
    const run = await scan(root, ['.', '--baseline', 'HEAD'], { format: 'text' })
    expect(run.code).toBe(1)
    const line = run.stdout.split('\n').find(l => /Baseline HEAD/.test(l))
    expect(line).toBeDefined()
    const m = /Baseline HEAD \(([0-9a-f]{7,40})\): 2 new, 1 fixed, 9 unchanged/.exec(line ?? '')
    expect(m).not.toBeNull()
    expect(sha.startsWith(m?.[1] ?? '-')).toBe(true)
  })

  it('markdown says the same', async () => {
    const { root, sha } = await added()
    const run = await scan(root, ['.', '--baseline', 'HEAD~0'], { format: 'markdown' })
    expect(run.code).toBe(1)
    const text = run.stdout.replace(/[*_`]/g, '')
    const m = /Baseline HEAD~0 \(([0-9a-f]{7,40})\): 2 new, 1 fixed, 9 unchanged/.exec(text)
    expect(m).not.toBeNull()
    expect(sha.startsWith(m?.[1] ?? '-')).toBe(true)
  })
})

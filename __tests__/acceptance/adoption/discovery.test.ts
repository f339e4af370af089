// Discovery acceptance cases (contract A): which files a folder search finds, .gitignore (git's semantics),
// --exclude / config `exclude:`, and the per-Dockerfile .dockerignore of a real build. Written from the
// contract and the docs only; each case runs the bundled CLI (`scan ... --no-build --format json`).
import { describe, it, afterAll, expect } from '@jest/globals'
import { requireDocker } from '../../support/docker-available'
import {
  active,
  cleanup,
  errorProblems,
  expectRun,
  files,
  findings,
  git,
  notifications,
  repo,
  sane,
  scan,
  tree,
  write,
  NONROOT_DOCKERFILE as DF
} from './support'

afterAll(cleanup)

/** Scans `.` in root and expects exactly these result files. */
async function expectFound(
  root: string,
  want: string[],
  args: string[] = ['.'],
  cwd?: string
): Promise<void> {
  const run = await scan(root, args, { cwd })
  expectRun(run, sane(run))
  expect({ files: files(run), stderr: run.stderr.slice(0, 300) }).toEqual({
    files: [...want].sort(),
    stderr: run.stderr.slice(0, 300)
  })
}

describe('A1 names a folder search finds', () => {
  it('finds every Dockerfile name form at any depth', async () => {
    const root = await repo(
      {
        Dockerfile: DF,
        'a/Dockerfile.prod': DF,
        'a/b/api.Dockerfile': DF,
        'a/b/c/api-Dockerfile': DF,
        'svc/Containerfile': DF,
        'svc/worker.Containerfile': DF,
        'README.md': '# not a Dockerfile\n'
      },
      false
    )
    await expectFound(root, [
      'Dockerfile',
      'a/Dockerfile.prod',
      'a/b/api.Dockerfile',
      'a/b/c/api-Dockerfile',
      'svc/Containerfile',
      'svc/worker.Containerfile'
    ])
  })

  it('never takes a .dockerignore (Dockerfile.dockerignore matches Dockerfile.* but is not one)', async () => {
    const root = await repo(
      {
        Dockerfile: DF,
        '.dockerignore': 'FROM debian\n',
        'Dockerfile.dockerignore': 'FROM debian\n',
        'app.Dockerfile': DF,
        'app.Dockerfile.dockerignore': 'FROM debian\n',
        'x/Containerfile.dockerignore': 'FROM debian\n',
        'x/worker.Containerfile.dockerignore': 'FROM debian\n'
      },
      false
    )
    await expectFound(root, ['Dockerfile', 'app.Dockerfile'])
  })

  it('skips .git and node_modules at any depth', async () => {
    const root = await repo(
      {
        Dockerfile: DF,
        'node_modules/pkg/Dockerfile': DF,
        'web/node_modules/dep/Dockerfile': DF,
        'web/Dockerfile': DF
      },
      false
    )
    put(root, '.git/Dockerfile')
    put(root, '.git/sub/Dockerfile')
    await expectFound(root, ['Dockerfile', 'web/Dockerfile'])
  })

  it('reports paths with spaces and unicode names repo-relative', async () => {
    const root = await repo(
      { 'my app/Dockerfile': DF, 'sérvice/ünï.Dockerfile': DF, '日本/Containerfile': DF },
      false
    )
    await expectFound(root, ['my app/Dockerfile', 'sérvice/ünï.Dockerfile', '日本/Containerfile'])
  })

  it('searches hidden folders other than .git (.devcontainer, .github)', async () => {
    const root = await repo(
      { Dockerfile: DF, '.devcontainer/Dockerfile': DF, '.github/docker/api.Dockerfile': DF },
      false
    )
    await expectFound(root, ['.devcontainer/Dockerfile', '.github/docker/api.Dockerfile', 'Dockerfile'])
  })

  it('a hidden folder named as PATH is searched', async () => {
    const root = await repo({ Dockerfile: DF, '.devcontainer/Dockerfile': DF }, false)
    await expectFound(root, ['.devcontainer/Dockerfile'], ['.devcontainer'])
  })

  it('overlapping PATHs give each Dockerfile once', async () => {
    const root = await repo({ Dockerfile: DF, 'svc/Dockerfile': DF }, false)
    const run = await scan(root, ['.', 'svc', 'svc/Dockerfile'])
    expectRun(run, sane(run))
    expect((run.report?.results ?? []).map(r => r.file).sort()).toEqual(['Dockerfile', 'svc/Dockerfile'])
  })

  it('a folder named like a Dockerfile is searched, not read as one', async () => {
    const root = await repo({ 'Dockerfile.d/Dockerfile': DF, 'x.Dockerfile/Containerfile': DF }, false)
    await expectFound(root, ['Dockerfile.d/Dockerfile', 'x.Dockerfile/Containerfile'])
  })
})

/** Writes one file (paths under .git, which repo() cannot hold before git init). */
function put(root: string, path: string, body = DF): void {
  write(root, { [path]: body })
}

describe('A2 .gitignore', () => {
  it('a pattern without a slash matches at any depth', async () => {
    const root = await repo(
      { '.gitignore': 'Dockerfile.gen\n', Dockerfile: DF, 'Dockerfile.gen': DF, 'a/b/Dockerfile.gen': DF },
      false
    )
    await expectFound(root, ['Dockerfile'])
  })

  it('a nested .gitignore applies below its folder only', async () => {
    const root = await repo(
      {
        'svc/.gitignore': 'Dockerfile.local\n',
        'svc/Dockerfile.local': DF,
        'svc/deep/Dockerfile.local': DF,
        'svc/Dockerfile': DF,
        'other/Dockerfile.local': DF
      },
      false
    )
    await expectFound(root, ['other/Dockerfile.local', 'svc/Dockerfile'])
  })

  it('! negation re-includes a file', async () => {
    const root = await repo(
      {
        '.gitignore': 'Dockerfile.*\n!Dockerfile.prod\n',
        'Dockerfile.dev': DF,
        'Dockerfile.prod': DF,
        'x/Dockerfile.ci': DF
      },
      false
    )
    await expectFound(root, ['Dockerfile.prod'])
  })

  it('a nested .gitignore negates a pattern of the root one', async () => {
    const root = await repo(
      {
        '.gitignore': '*.Dockerfile\n',
        'keep/.gitignore': '!special.Dockerfile\n',
        'keep/special.Dockerfile': DF,
        'keep/other.Dockerfile': DF,
        'special.Dockerfile': DF
      },
      false
    )
    await expectFound(root, ['keep/special.Dockerfile'])
  })

  it('a file below an ignored folder cannot be re-included (git semantics)', async () => {
    const root = await repo(
      { '.gitignore': 'out/\n!out/Dockerfile\n', 'out/Dockerfile': DF, Dockerfile: DF },
      false
    )
    await expectFound(root, ['Dockerfile'])
  })

  it('a trailing / matches folders only', async () => {
    const root = await repo(
      { '.gitignore': 'Dockerfile.ci/\n', 'Dockerfile.ci': DF, 'x/Dockerfile.ci/Dockerfile': DF },
      false
    )
    await expectFound(root, ['Dockerfile.ci'])
  })

  it('a pattern with a slash is relative to its .gitignore (leading and middle slash)', async () => {
    const root = await repo(
      {
        '.gitignore': '/Dockerfile.root\nsub/Dockerfile.x\n',
        'Dockerfile.root': DF,
        'sub/Dockerfile.root': DF,
        'sub/Dockerfile.x': DF,
        'a/sub/Dockerfile.x': DF
      },
      false
    )
    await expectFound(root, ['a/sub/Dockerfile.x', 'sub/Dockerfile.root'])
  })

  it('** matches any number of folders, zero included', async () => {
    const root = await repo(
      {
        '.gitignore': 'docs/**/Dockerfile\n**/gen/*.Dockerfile\n',
        'docs/Dockerfile': DF,
        'docs/a/b/Dockerfile': DF,
        'docs/a/Containerfile': DF,
        'gen/x.Dockerfile': DF,
        'p/q/gen/y.Dockerfile': DF,
        'p/gen/deeper/z.Dockerfile': DF
      },
      false
    )
    await expectFound(root, ['docs/a/Containerfile', 'p/gen/deeper/z.Dockerfile'])
  })

  it('patterns are case-sensitive, as git (core.ignorecase false) reads them', async () => {
    const root = await repo(
      {
        '.gitignore': 'dockerfile.dev\nLEGACY/\ndocker*\n',
        Dockerfile: DF,
        'Dockerfile.dev': DF,
        'legacy/Dockerfile': DF
      },
      false
    )
    await git(root, 'config', 'core.ignorecase', 'false')
    expect(await git(root, 'status', '--porcelain', '--ignored', '-uall')).not.toMatch(/^!!/m)
    await expectFound(root, ['Dockerfile', 'Dockerfile.dev', 'legacy/Dockerfile'])
  })

  it('a whitelist .gitignore (*, !*/, !Dockerfile) keeps only the Dockerfiles it re-includes', async () => {
    const root = await repo(
      {
        '.gitignore': '*\n!*/\n!Dockerfile\n',
        Dockerfile: DF,
        'a/Dockerfile': DF,
        'a/b/Dockerfile': DF,
        'a/x.Dockerfile': DF,
        'c/Containerfile': DF
      },
      false
    )
    await expectFound(root, ['Dockerfile', 'a/Dockerfile', 'a/b/Dockerfile'])
  })

  it('? and [ab] classes, and escaped leading # and !', async () => {
    const root = await repo(
      {
        '.gitignore': 'Dockerfile.[ab]\nDockerfile.?x\n\\#Dockerfile\n\\!Dockerfile\n',
        'Dockerfile.a': DF,
        'Dockerfile.b': DF,
        'Dockerfile.c': DF,
        'Dockerfile.1x': DF,
        'Dockerfile.12x': DF,
        '#Dockerfile': DF,
        '!Dockerfile': DF
      },
      false
    )
    await expectFound(root, ['Dockerfile.12x', 'Dockerfile.c'])
  })

  it('dir/* with !dir/Dockerfile re-includes it; nested patterns with a slash are relative to their folder', async () => {
    const root = await repo(
      {
        '.gitignore': 'dir/*\n!dir/Dockerfile\n',
        'sub/.gitignore': 'deep/Dockerfile\n/Dockerfile.r\n',
        'k/.gitignore': '/*.Dockerfile\n',
        'dir/Dockerfile': DF,
        'dir/Dockerfile.x': DF,
        'sub/deep/Dockerfile': DF,
        'sub/x/deep/Dockerfile': DF,
        'sub/Dockerfile.r': DF,
        'sub/y/Dockerfile.r': DF,
        'k/a.Dockerfile': DF,
        'k/m/a.Dockerfile': DF
      },
      false
    )
    await expectFound(root, [
      'dir/Dockerfile',
      'k/m/a.Dockerfile',
      'sub/x/deep/Dockerfile',
      'sub/y/Dockerfile.r'
    ])
  })

  it('.git/info/exclude is read', async () => {
    const root = await repo({ Dockerfile: DF, 'vendor/Dockerfile': DF }, false)
    put(root, '.git/info/exclude', '# local\nvendor/\n')
    await expectFound(root, ['Dockerfile'])
  })

  it('comments, blank lines, trailing spaces and CRLF line ends in .gitignore (as git reads them)', async () => {
    const root = await repo(
      {
        '.gitignore': '# Dockerfile\r\n\r\nDockerfile.dev   \r\nDockerfile.crlf\r\n',
        Dockerfile: DF,
        'Dockerfile.dev': DF,
        'Dockerfile.crlf': DF
      },
      false
    )
    // git itself: `git status --ignored` lists Dockerfile.dev and Dockerfile.crlf as ignored.
    const ignored = await git(root, 'status', '--porcelain', '--ignored', '-uall')
    expect(ignored).toMatch(/!! Dockerfile\.crlf/)
    await expectFound(root, ['Dockerfile'])
  })

  it('the root .gitignore applies when a subfolder is scanned (from the repository root down)', async () => {
    const root = await repo(
      {
        '.gitignore': 'svc/old/\n*.tmp.Dockerfile\n',
        'svc/Dockerfile': DF,
        'svc/old/Dockerfile': DF,
        'svc/a.tmp.Dockerfile': DF
      },
      false
    )
    await expectFound(root, ['svc/Dockerfile'], ['svc'])
    await expectFound(root, ['svc/Dockerfile'], ['.'], 'svc')
  })

  it('a Dockerfile named explicitly is scanned even when ignored', async () => {
    const root = await repo(
      { '.gitignore': 'Dockerfile.dev\nlegacy/\n', 'Dockerfile.dev': DF, 'legacy/Dockerfile': DF },
      false
    )
    await expectFound(root, ['Dockerfile.dev', 'legacy/Dockerfile'], ['Dockerfile.dev', 'legacy/Dockerfile'])
  })

  it('--no-gitignore turns it off', async () => {
    const root = await repo(
      {
        '.gitignore': 'Dockerfile.dev\nlegacy/\n',
        Dockerfile: DF,
        'Dockerfile.dev': DF,
        'legacy/Dockerfile': DF
      },
      false
    )
    await expectFound(root, ['Dockerfile', 'Dockerfile.dev', 'legacy/Dockerfile'], ['.', '--no-gitignore'])
  })

  it('untracked files count: an ignored untracked one is skipped, an unignored one found', async () => {
    // git semantics for a search of the folder on disk: untracked files count, ignore rules decide.
    const root = await repo({ '.gitignore': 'gen/\n', Dockerfile: DF }, true)
    put(root, 'gen/Dockerfile')
    put(root, 'new/Dockerfile')
    await expectFound(root, ['Dockerfile', 'new/Dockerfile'])
  })

  it('an ignored compose file is not searched for (its privileged service is not judged)', async () => {
    const root = await repo(
      {
        '.gitignore': 'compose.yaml\n',
        'app/Dockerfile': DF,
        'compose.yaml': 'services:\n  app:\n    build: ./app\n    privileged: true\n'
      },
      false
    )
    const run = await scan(root, ['.'])
    expectRun(run, sane(run))
    expect(findings(run).filter(f => f.file === 'compose.yaml')).toEqual([])
    expect((run.report?.results ?? []).map(r => r.target?.source)).not.toContain('compose')
    // And without the ignore it is: the control.
    const control = await scan(root, ['.', '--no-gitignore'])
    expect(active(control, 'LP220').map(f => f.file)).toEqual(['compose.yaml'])
  })

  it('an ignored Kubernetes manifest (by a nested .gitignore with **) is not searched for', async () => {
    const manifest =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  template:\n    spec:\n      containers:\n        - name: x\n          image: example.com/x:1\n'
    const root = await repo(
      {
        Dockerfile: DF,
        'deploy/.gitignore': 'rendered/**\n',
        'deploy/rendered/a/x.yaml': manifest,
        'deploy/kept.yaml': manifest
      },
      false
    )
    await expectFound(root, ['Dockerfile', 'deploy/kept.yaml'])
  })
})

describe('A3 --exclude and config exclude:', () => {
  it('a ** glob excludes everything below', async () => {
    const root = await repo(
      { Dockerfile: DF, 'legacy/Dockerfile': DF, 'legacy/a/b/api.Dockerfile': DF },
      false
    )
    await expectFound(root, ['Dockerfile'], ['.', '--exclude', 'legacy/**'])
  })

  it('a pattern matching a folder excludes everything below it', async () => {
    const root = await repo(
      { Dockerfile: DF, 'legacy/Dockerfile': DF, 'legacy/a/Containerfile': DF, 'legacyx/Dockerfile': DF },
      false
    )
    await expectFound(root, ['Dockerfile', 'legacyx/Dockerfile'], ['.', '--exclude', 'legacy'])
  })

  it('a pattern without / matches a name at any depth (file or folder)', async () => {
    const root = await repo(
      {
        Dockerfile: DF,
        'Dockerfile.test': DF,
        'a/b/Dockerfile.test': DF,
        'x/fixtures/Dockerfile': DF,
        'x/Dockerfile': DF
      },
      false
    )
    await expectFound(
      root,
      ['Dockerfile', 'x/Dockerfile'],
      ['.', '--exclude', 'Dockerfile.test', '--exclude', 'fixtures']
    )
  })

  it('* stays within one segment', async () => {
    const root = await repo(
      { 'svc/a.Dockerfile': DF, 'svc/deep/b.Dockerfile': DF, 'svc/Dockerfile': DF },
      false
    )
    await expectFound(
      root,
      ['svc/Dockerfile', 'svc/deep/b.Dockerfile'],
      ['.', '--exclude', 'svc/*.Dockerfile']
    )
  })

  it('--exclude is repeatable', async () => {
    const root = await repo(
      { Dockerfile: DF, 'a/Dockerfile': DF, 'b/Dockerfile': DF, 'c/Dockerfile': DF },
      false
    )
    await expectFound(root, ['Dockerfile', 'c/Dockerfile'], ['.', '--exclude', 'a/**', '--exclude=b'])
  })

  it('config exclude: applies, and flags add to it', async () => {
    const root = await repo(
      {
        '.least-privilege.yml': 'exclude:\n  - "legacy/**"\n  - "*.dev.Dockerfile"\n',
        Dockerfile: DF,
        'legacy/Dockerfile': DF,
        'x/app.dev.Dockerfile': DF,
        'tmp/Dockerfile': DF
      },
      false
    )
    await expectFound(root, ['Dockerfile', 'tmp/Dockerfile'])
    await expectFound(root, ['Dockerfile'], ['.', '--exclude', 'tmp'])
  })

  it('a file named explicitly is scanned even when excluded (flag and config)', async () => {
    const root = await repo(
      { '.least-privilege.yml': 'exclude: ["legacy/**"]\n', 'legacy/Dockerfile': DF, 'old/Dockerfile': DF },
      false
    )
    await expectFound(
      root,
      ['legacy/Dockerfile', 'old/Dockerfile'],
      ['legacy/Dockerfile', 'old/Dockerfile', '--exclude', 'old/**']
    )
  })

  it('excludes deployment files a folder search finds', async () => {
    const root = await repo(
      {
        'app/Dockerfile': DF,
        'compose.yaml': 'services:\n  app:\n    build: ./app\n    privileged: true\n'
      },
      false
    )
    const run = await scan(root, ['.', '--exclude', 'compose.yaml'])
    expectRun(run, sane(run))
    expect(findings(run).filter(f => f.file === 'compose.yaml')).toEqual([])
    const control = await scan(root, ['.'])
    expect(active(control, 'LP220').map(f => f.file)).toEqual(['compose.yaml'])
  })

  it('globs are repo-relative, also when the scan runs in a subfolder', async () => {
    const root = await repo({ 'svc/Dockerfile': DF, 'svc/old/Dockerfile': DF, 'old/Dockerfile': DF }, false)
    await expectFound(root, ['svc/Dockerfile'], ['.', '--exclude', 'svc/old/**'], 'svc')
  })

  it('globs with spaces and unicode names', async () => {
    const root = await repo(
      { 'my app/Dockerfile': DF, 'sérvice/Dockerfile': DF, 'keep/Dockerfile': DF },
      false
    )
    await expectFound(root, ['keep/Dockerfile'], ['.', '--exclude', 'my app/**', '--exclude', 'sérvice'])
  })

  it('{a,b} alternatives and a trailing / (folders only)', async () => {
    const root = await repo(
      {
        'a/Dockerfile': DF,
        'b/Dockerfile': DF,
        'c/Dockerfile': DF,
        'Dockerfile.build': DF,
        'build/Dockerfile': DF
      },
      false
    )
    await expectFound(
      root,
      ['Dockerfile.build', 'c/Dockerfile'],
      ['.', '--exclude', '{a,b}/**', '--exclude', 'build/']
    )
  })

  it('a name is matched whole, not as a prefix', async () => {
    const root = await repo({ 'legacy/Dockerfile': DF, 'leg/Dockerfile': DF }, false)
    await expectFound(root, ['legacy/Dockerfile'], ['.', '--exclude', 'leg'])
  })

  it('config exclude globs are repo-relative even when --config names a file in a subfolder', async () => {
    const root = await repo(
      {
        'ci/lp.yml': 'exclude: ["legacy/**"]\n',
        'legacy/Dockerfile': DF,
        'ci/legacy/Dockerfile': DF,
        Dockerfile: DF
      },
      false
    )
    await expectFound(root, ['Dockerfile', 'ci/legacy/Dockerfile'], ['.', '--config', 'ci/lp.yml'])
  })

  it('--no-gitignore keeps --exclude', async () => {
    const root = await repo(
      { '.gitignore': 'gen/\n', 'gen/Dockerfile': DF, 'old/Dockerfile': DF, Dockerfile: DF },
      false
    )
    await expectFound(root, ['Dockerfile', 'gen/Dockerfile'], ['.', '--no-gitignore', '--exclude', 'old'])
  })

  it('a bad --exclude pattern is exit 2, one line naming --exclude', async () => {
    const root = await repo({ Dockerfile: DF }, false)
    const run = await scan(root, ['.', '--exclude', 'a/{b'])
    expectRun(run, errorProblems(run, /--exclude/))
  })

  it('a bad config exclude pattern is exit 2, one line naming the config file and line', async () => {
    const root = await repo(
      { '.least-privilege.yml': 'exclude:\n  - "ok/**"\n  - "a/{b"\n', Dockerfile: DF },
      false
    )
    const run = await scan(root, ['.'])
    expectRun(run, errorProblems(run, /\.least-privilege\.yml/, /line 3\b/))
  })
})

describe('A4 <Dockerfile>.dockerignore replaces the context .dockerignore (real build)', () => {
  const docker = requireDocker('adoption discovery A4 (per-Dockerfile .dockerignore)')
  // FROM scratch needs no pull; a COPY of an excluded file fails the build, which is what we observe.
  const context = {
    'needed.txt': 'needed\n',
    'secret.txt': 'secret\n',
    '.dockerignore': 'needed.txt\n',
    Dockerfile: 'FROM scratch\nCOPY needed.txt /needed\nUSER 1000\n',
    'Dockerfile.dockerignore': 'secret.txt\n',
    'app.Dockerfile': 'FROM scratch\nCOPY secret.txt /secret\nUSER 1000\n',
    'app.Dockerfile.dockerignore': 'secret.txt\n',
    'plain.Dockerfile': 'FROM scratch\nCOPY needed.txt /needed\nUSER 1000\n'
  }
  const built = async (dockerfile: string) => {
    const root = tree(context)
    await git(root, 'init', '-q')
    const run = await scan(root, [dockerfile, '--probe', 'false'], { noBuild: false, timeoutMs: 300_000 })
    const failed = notifications(run).filter(n => n.kind === 'build-failed')
    return { run, failed }
  }
  ;(docker ? it : it.skip)(
    'Dockerfile.dockerignore is used instead of .dockerignore (needed.txt reaches the build)',
    async () => {
      const { run, failed } = await built('Dockerfile')
      expect({ failed, code: run.code, stderr: run.stderr.slice(-400) }).toMatchObject({ failed: [] })
    },
    300_000
  )
  ;(docker ? it : it.skip)(
    'app.Dockerfile.dockerignore is used for app.Dockerfile (secret.txt is kept out)',
    async () => {
      const { run, failed } = await built('app.Dockerfile')
      expect({ failed: failed.length, code: run.code, stderr: run.stderr.slice(-400) }).toMatchObject({
        failed: 1,
        code: 2
      })
    },
    300_000
  )
  ;(docker ? it : it.skip)(
    'without its own file the context .dockerignore applies (control)',
    async () => {
      const { run, failed } = await built('plain.Dockerfile')
      expect({ failed: failed.length, code: run.code, stderr: run.stderr.slice(-400) }).toMatchObject({
        failed: 1,
        code: 2
      })
    },
    300_000
  )
})

describe('A bounded matching (a pattern and a long name from a pull request must not hang the scan)', () => {
  // A glob with many stars against a long name is where a backtracking matcher goes exponential.
  const LONG = 'a'.repeat(60)
  const STARS = '*a'.repeat(8) + '*b'
  const BOUND = 20_000

  async function bounded(files: Record<string, string>, args: string[]): Promise<void> {
    const root = await repo(files, false)
    const started = Date.now()
    const run = await scan(root, args, { timeoutMs: BOUND })
    const ms = Date.now() - started
    expect({ ms: ms < BOUND, code: run.code === 0 || run.code === 1 }).toEqual({ ms: true, code: true })
  }

  it('a .gitignore pattern with many stars', async () => {
    await bounded({ '.gitignore': `${STARS}\n`, [`${LONG}Dockerfile`]: DF, Dockerfile: DF }, ['.'])
  }, 60_000)

  it('an --exclude pattern with many stars', async () => {
    await bounded({ [`${LONG}Dockerfile`]: DF, Dockerfile: DF }, ['.', '--exclude', STARS])
  }, 60_000)

  it('an ignore paths glob with many stars', async () => {
    await bounded(
      {
        '.least-privilege.yml': `ignore:\n  - rule: LP401\n    paths: ["${STARS}"]\n    reason: r\n`,
        [`${LONG}/Dockerfile`]: 'FROM debian\nRUN chmod u+s /bin/x\nUSER 1000\n'
      },
      ['.']
    )
  }, 60_000)

  it('a realistic many-star pattern stays fast', async () => {
    await bounded(
      {
        '.gitignore': '*_*_*_*_*_*_*_*.bak\n',
        a_b_c_d_e_f_g_h_i_j_k_l_m_n_o_p_q_r_s_t_u_v_w_x_y_z_Dockerfile: DF
      },
      ['.']
    )
  }, 60_000)
})

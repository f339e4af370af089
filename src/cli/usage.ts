// The help text, in a module of its own: the lazy entry (./index.ts) prints it without loading the scanner.

export const USAGE = `Usage: least-privilege scan [options] PATH...
       least-privilege targets [--json] [options] PATH...
       least-privilege --version

Judges Dockerfiles and their deployment flags against five least-privilege
principles, builds each image and measures a probe container on the local
Docker daemon. PATH is a Dockerfile or a folder to search. \`targets\` lists
the targets (Dockerfile x deployment) those options give, one per line with
its id, or with --json as {"include": [...]} for a GitHub strategy.matrix
(at most 256); no daemon is used.

Options:
  --no-build                 static checks only (no daemon needed)
  --image REF                probe an existing image instead of building
                             (one Dockerfile)
  --run-options "FLAGS"      the deployment's docker run flags,
                             e.g. "--cap-drop ALL --read-only"
  --deployment FILE          a compose file or Kubernetes manifest
                             (repeatable; - reads a manifest from stdin)
  --exclude GLOB             leave out of folder searches what matches GLOB,
                             relative to the repository root (repeatable;
                             adds to the config file's exclude: list)
  --no-gitignore             also search what .gitignore files ignore
  --config FILE              the config file
                             [.least-privilege.yml or .yaml at the repository root]
  --probe auto|true|false    probe after building (auto: when a daemon answers)
  --sarif FILE               write SARIF 2.1.0 to FILE
  --sarif-category NAME      code-scanning category of the SARIF run, so two
                             scans of one repository keep apart  [least-privilege/]
  --format text|json|markdown|sarif
                             what stdout gets (sarif: the SARIF log)  [text]
  --fail-on error|warning|note|never
                             exit 1 when a finding is at or above this  [error]
  --baseline REF             fail only on findings new since git commit REF
                             (the same paths there, read statically)
  --target STAGE             build and judge this stage instead of the last
  --context DIR              build context  [the Dockerfile's folder]
  --build-arg KEY=VALUE      build argument (repeatable)
  --keep-image               keep built images after the scan
  --suggest                  find and verify a least-privilege profile per
                             measured target (runs the workload a few times)
  --probe-timeout SECONDS    upper bound for one probe container  [30]
  --build-timeout SECONDS    upper bound for one image build  [900]
  --jobs N                   targets built and measured at once, 1..64
                             [the number of CPUs]
  --only-target ID           scan only the target with this id (from
                             \`targets\`); SARIF category least-privilege/ID/
  --repo-root DIR            paths in reports and SARIF are relative to DIR
                             [the scanned path's git top-level]
  --color, --no-color        force or disable colour
                             (NO_COLOR and FORCE_COLOR are honoured)
  -h, --help                 show this help
  --version                  print the version

A value that starts with "-" is given as --option=VALUE.

Exit status: 0 nothing at or above --fail-on, 1 findings at or above it
(with --baseline: new findings at or above it),
2 usage or operational error.`

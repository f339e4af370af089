// Measured no_new_privs and the setuid/setgid/file-capability files in the image.
import type { Rule } from '../types'
import { noDeploymentDeclared } from '../deployment/vocabulary'
import { effectiveUid, escalatingFiles, listSome, measuredBasics } from './facts'

const LISTED_FILES = 20

export const noNewPrivsOffMeasured: Rule = {
  meta: {
    id: 'LP440',
    name: 'no-new-privs-off-measured',
    principle: 'no-escalation',
    evidence: 'measured',
    level: 'warning',
    securitySeverity: 5.5,
    title: 'no_new_privs was measured off',
    description:
      'The probe read `NoNewPrivs: 0`: executing a setuid-root binary or one with file capabilities raises the ' +
      "process's privileges, up to the container's bounding set. `--security-opt no-new-privileges` (or the daemon " +
      'option of the same name) sets it to 1.',
    fix: 'Add `--security-opt no-new-privileges` (Kubernetes: `allowPrivilegeEscalation: false`).'
  },
  check(ctx) {
    const { probe, profile } = ctx
    // Under Docker's defaults, off is the assumed default LP200 already names (with this measurement).
    if (!probe || probe.no_new_privs.value !== false || noDeploymentDeclared(ctx)) return []
    const requested = profile.securityOpt.noNewPrivileges === true ? ' although the flags request it' : ''
    return [
      {
        message: `no_new_privs is off (NoNewPrivs ${probe.no_new_privs.raw ?? '0'})${requested}: setuid and file-capability binaries can raise privileges.`,
        properties: { ...measuredBasics(probe), no_new_privs_raw: probe.no_new_privs.raw }
      }
    ]
  }
}

export const setuidFilesPresent: Rule = {
  meta: {
    id: 'LP441',
    name: 'setuid-files-present',
    principle: 'no-escalation',
    evidence: 'measured',
    level: 'warning',
    securitySeverity: 6.0,
    title: 'The image contains setuid, setgid or file-capability files',
    description:
      'The probe walked the image filesystem and found files that raise privileges on exec. Level: an error when a ' +
      'non-root process could use them right now (no_new_privs off and a setuid-root or file-capability binary: it ' +
      'regains the whole bounding set, observed); a note when no_new_privs is on (the kernel ignores the bits); a ' +
      'warning otherwise.',
    fix: 'Strip the bits in the Dockerfile (`RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +`) and set no-new-privileges.'
  },
  check({ probe }) {
    if (!probe || !probe.privileged_files.scanned || probe.privileged_files.count === 0) return []
    const inventory = probe.privileged_files
    // Sorted: the probe lists files in directory order, which the filesystem, not the image, decides.
    const paths = inventory.files.map(f => f.path).sort()
    const escalating = escalatingFiles(probe)
      .map(f => f.path)
      .sort()
    const nnp = probe.no_new_privs.value
    const uid = effectiveUid(probe)
    const usable = nnp === false && uid !== 0 && escalating.length > 0
    const level = nnp === true ? 'note' : usable ? 'error' : 'warning'
    const consequence =
      nnp === true
        ? ' no_new_privs is on, so the kernel ignores them.'
        : usable
          ? ` The process (uid ${uid}) can run ${escalating[0]} to regain the bounding set.`
          : ''
    return [
      {
        message: `${inventory.count} setuid/setgid/file-capability ${inventory.count === 1 ? 'file' : 'files'} in the image: ${listSome(paths)}.${consequence}`,
        level,
        properties: {
          ...measuredBasics(probe),
          count: inventory.count,
          truncated: inventory.truncated || inventory.files.length > LISTED_FILES,
          files: inventory.files.slice(0, LISTED_FILES)
        }
      }
    ]
  }
}

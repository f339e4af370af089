// `runAsNonRoot: true` is checked by the kubelet when it creates the container, against the image's user,
// which the manifest does not say: so this is a function of the image user, for the rules to call.
// Mirrors kubernetes pkg/kubelet/kuberuntime/security_context_others.go verifyRunAsNonRoot, and how the
// container runtime reads the image's `User` (containerd getUserFromImage; kubelet getImageUser).
import type { Deployment } from '../types'

const MAX_ID = 2147483647n
const MAX_INT64 = 9223372036854775807n

/**
 * The kubelet's refusal for this container, or undefined when it starts. `imageUser` is the image
 * config's `User` as written (`''` when the image sets none, which runs as root); undefined when unknown,
 * which can only be judged when `runAsUser` is set. The message is the kubelet's own (it appends the pod
 * and container names), shown as the pod's CreateContainerConfigError.
 */
export function kubeletRefusal(deployment: Deployment, imageUser: string | undefined): string | undefined {
  const k8s = deployment.kubernetes
  if (!k8s?.runAsNonRoot) return undefined
  if (k8s.runAsUser !== undefined)
    return k8s.runAsUser === 0 ? "container's runAsUser breaks non-root policy" : undefined
  if (imageUser === undefined) return undefined
  const user = imageUser.split(':')[0]
  const uid = numericUid(user)
  // No user, or an empty one, is root to the kubelet.
  if (user === '' || uid === 0n) return 'container has runAsNonRoot and image will run as root'
  if (uid === undefined)
    return `container has runAsNonRoot and image has non-numeric user (${user}), cannot verify user is non-root`
  if (uid < 0n || uid > MAX_ID)
    return `container has runAsNonRoot and image has an invalid user id (${uid}). (Must be 1-(${MAX_ID})): must be between 0 and ${MAX_ID}, inclusive`
  return undefined
}

/** Go's strconv.ParseInt(user, 10, 64): a name (or a number out of int64 range) is not a uid. */
function numericUid(user: string): bigint | undefined {
  if (!/^[+-]?\d+$/.test(user)) return undefined
  const value = BigInt(user)
  return value > MAX_INT64 || value < -MAX_INT64 - 1n ? undefined : value
}

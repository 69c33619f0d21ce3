/** Kernel functions an overlay path adds, for highlighting in reports and for the diagnosis. */
export const OVERLAY_FRAME =
  /^(vxlan_|udp_tunnel|iptunnel_|ip_tunnel|gro_cells|br_|veth_|geneve_|__br_|nf_|macvlan_)/;

export function isOverlayFrame(fn: string): boolean {
  return OVERLAY_FRAME.test(fn);
}

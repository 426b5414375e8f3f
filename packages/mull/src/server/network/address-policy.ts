import { BlockList, isIP } from "node:net";
import { ConfigError } from "../../errors/index.ts";

/** Decides which IP addresses an upstream may connect to. */
export interface AddressPolicy {
  /** Why `address` is refused (e.g. `loopback`), or `undefined` when it may be used. */
  refusal(address: string): string | undefined;
}

/** Ranges no upstream may reach unless allowlisted: private, loopback, link-local (cloud metadata), … */
const blockedRanges: readonly { readonly cidr: string; readonly label: string }[] = [
  { cidr: "0.0.0.0/8", label: "unspecified" },
  { cidr: "10.0.0.0/8", label: "private" },
  { cidr: "100.64.0.0/10", label: "carrier-grade NAT" },
  { cidr: "127.0.0.0/8", label: "loopback" },
  { cidr: "169.254.0.0/16", label: "link-local (cloud metadata)" },
  { cidr: "172.16.0.0/12", label: "private" },
  { cidr: "192.0.0.0/24", label: "IETF protocol assignments" },
  { cidr: "192.0.2.0/24", label: "documentation" },
  { cidr: "192.168.0.0/16", label: "private" },
  { cidr: "198.18.0.0/15", label: "benchmarking" },
  { cidr: "198.51.100.0/24", label: "documentation" },
  { cidr: "203.0.113.0/24", label: "documentation" },
  { cidr: "224.0.0.0/4", label: "multicast" },
  { cidr: "240.0.0.0/4", label: "reserved" },
  { cidr: "::/128", label: "unspecified" },
  { cidr: "::1/128", label: "loopback" },
  { cidr: "64:ff9b::/96", label: "NAT64" },
  { cidr: "64:ff9b:1::/48", label: "NAT64" },
  { cidr: "100::/64", label: "discard" },
  { cidr: "2001:db8::/32", label: "documentation" },
  { cidr: "fc00::/7", label: "unique local (private)" },
  { cidr: "fe80::/10", label: "link-local" },
  { cidr: "ff00::/8", label: "multicast" },
];

function familyOf(address: string): "ipv4" | "ipv6" | undefined {
  const version = isIP(address);
  return version === 4 ? "ipv4" : version === 6 ? "ipv6" : undefined;
}

function parseCidr(
  text: string,
  field: string,
): { address: string; prefix: number; family: "ipv4" | "ipv6" } {
  const [address = "", prefixText] = text.trim().split("/", 2);
  const family = familyOf(address);
  if (family === undefined) {
    throw new ConfigError(
      `${field}: expected an IP address or CIDR range such as 10.0.0.0/8, got "${text}"`,
      {
        field,
      },
    );
  }
  const longest = family === "ipv4" ? 32 : 128;
  const prefix = prefixText === undefined ? longest : Number(prefixText);
  if (!/^\d+$/.test(prefixText ?? String(longest)) || prefix < 0 || prefix > longest) {
    throw new ConfigError(
      `${field}: the prefix length of "${text}" must be an integer from 0 to ${longest}`,
      {
        field,
      },
    );
  }
  return { address, prefix, family };
}

/** Strips the brackets of an IPv6 URL host (`[::1]` → `::1`). */
export function bareHost(hostname: string): string {
  return hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
}

/**
 * An address policy that refuses private, loopback, link-local (cloud metadata such as 169.254.169.254),
 * multicast, reserved and documentation ranges, IPv4-mapped IPv6 forms of them included, except inside the
 * explicitly allowed CIDR ranges (`["127.0.0.1/32", "10.1.0.0/16"]`). Everything else (public addresses)
 * is allowed.
 *
 * @example
 * const policy = createAddressPolicy(["127.0.0.1/32"]);
 * policy.refusal("169.254.169.254"); // "link-local (cloud metadata)"
 * policy.refusal("127.0.0.1"); // undefined
 */
export function createAddressPolicy(
  allowedNetworks: readonly string[] = [],
  field = "allowedNetworks",
): AddressPolicy {
  const ranges = blockedRanges.map(({ cidr, label }) => {
    const list = new BlockList();
    const parsed = parseCidr(cidr, "blocked range");
    list.addSubnet(parsed.address, parsed.prefix, parsed.family);
    return { list, label };
  });
  const allowed = new BlockList();
  allowedNetworks.forEach((network, index) => {
    const parsed = parseCidr(network, `${field}[${index}]`);
    allowed.addSubnet(parsed.address, parsed.prefix, parsed.family);
  });
  return {
    refusal(address) {
      const bare = bareHost(address);
      const family = familyOf(bare);
      if (family === undefined) return "not an IP address";
      if (allowed.check(bare, family)) return undefined;
      for (const { list, label } of ranges) if (list.check(bare, family)) return label;
      return undefined;
    },
  };
}

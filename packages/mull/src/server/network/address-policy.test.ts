import { describe, expect, it } from "vitest";
import { createAddressPolicy } from "./address-policy.ts";

describe("createAddressPolicy", () => {
  const policy = createAddressPolicy();

  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["10.1.2.3", "private"],
    ["172.20.0.1", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "link-local (cloud metadata)"],
    ["0.0.0.0", "unspecified"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["::1", "loopback"],
    ["fd00::1", "unique local (private)"],
    ["fe80::1", "link-local"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:a9fe:a9fe", "link-local (cloud metadata)"],
    ["[::1]", "loopback"],
  ])("refuses %s as %s", (address, label) => {
    expect(policy.refusal(address)).toBe(label);
  });

  it.each([
    "8.8.8.8",
    "1.1.1.1",
    "2606:4700:4700::1111",
    "172.32.0.1",
  ])("allows the public address %s", (address) => {
    expect(policy.refusal(address)).toBeUndefined();
  });

  it("allows blocked ranges only inside the allowlist", () => {
    const allowing = createAddressPolicy(["127.0.0.1/32", "10.0.0.0/8"]);
    expect(allowing.refusal("127.0.0.1")).toBeUndefined();
    expect(allowing.refusal("::ffff:127.0.0.1")).toBeUndefined();
    expect(allowing.refusal("10.200.3.4")).toBeUndefined();
    expect(allowing.refusal("127.0.0.2")).toBe("loopback");
    expect(allowing.refusal("169.254.169.254")).toBe("link-local (cloud metadata)");
  });

  it("refuses what is not an address, and rejects malformed allowlists", () => {
    expect(policy.refusal("example.com")).toBe("not an IP address");
    expect(() => createAddressPolicy(["10.0.0.0/33"])).toThrow(/prefix length/);
    expect(() => createAddressPolicy(["intranet"])).toThrow(/CIDR/);
  });
});

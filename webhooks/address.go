package webhooks

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// A webhook makes the server send requests to an address someone typed in:
// server-side request forgery, if that address is the server's own
// loopback, the private network it runs in, or a cloud metadata service.
// So a subscriber's URL is checked twice: when it is registered (its form,
// and the addresses its host resolves to then), and on every connection
// (the address actually dialled, after DNS — a name may resolve elsewhere
// later). Redirects are never followed and no proxy is used, since either
// would send the request somewhere not checked. Configuration may allow
// reserved addresses (Config.AllowPrivate: a receiver inside the same
// network, or tests against a local server).

// ErrAddressRefused is the dial error for a reserved address.
var ErrAddressRefused = errors.New("webhooks: the address is loopback, private or reserved")

// reserved are the ranges besides those netip names (loopback, private,
// link-local, multicast, unspecified) that no public receiver has.
var reserved = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, broadcast
	netip.MustParsePrefix("64:ff9b::/96"),    // NAT64: would reach IPv4 addresses
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local NAT64
	netip.MustParsePrefix("100::/64"),        // discard
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("2002::/16"),       // 6to4: embeds an IPv4 address
	netip.MustParsePrefix("fec0::/10"),       // site-local (deprecated)
}

// Reserved reports whether a is an address no public receiver has:
// loopback, private (RFC 1918, fc00::/7), link-local (169.254.0.0/16, where
// cloud metadata services answer, and fe80::/10), multicast, unspecified,
// or one of the special-purpose ranges above. IPv4-mapped IPv6 addresses
// are judged as the IPv4 address they carry.
func Reserved(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() {
		return true
	}
	for _, p := range reserved {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Resolver looks up a host's addresses (net.DefaultResolver).
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// CheckURL checks a subscriber's URL and returns it parsed, or a message
// (Chinese, then English) saying what is wrong: an absolute http or https
// URL with a host, no user name or password (a secret in a URL ends up in
// logs), no fragment; unless allowPrivate, a host that is not an address
// Reserved refuses, nor a name for the local machine, nor a name that
// resolves to one now. A name that does not resolve at all is accepted:
// it is checked again on every delivery.
func CheckURL(ctx context.Context, raw string, allowPrivate bool, r Resolver) (*url.URL, string) {
	u, err := url.Parse(raw)
	switch {
	case err != nil || !u.IsAbs() || u.Opaque != "":
		return nil, "不是有效的绝对网址 (not a valid absolute URL)"
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, "只支持 http 或 https 网址 (only http and https URLs)"
	case u.Hostname() == "":
		return nil, "网址缺少主机名 (the URL has no host)"
	case u.User != nil:
		return nil, "网址不能包含用户名或密码 (the URL must not carry a user name or password)"
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return nil, "网址不能包含片段（#） (the URL must not have a fragment)"
	}
	if p := u.Port(); p != "" {
		if n, err := net.LookupPort("tcp", p); err != nil || n == 0 {
			return nil, "端口无效 (invalid port)"
		}
	}
	if allowPrivate {
		return u, ""
	}
	const refused = "不能指向本机、内网或保留地址 (must not point at a loopback, private or reserved address)"
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if a, err := netip.ParseAddr(host); err == nil {
		if Reserved(a) {
			return nil, refused
		}
		return u, ""
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") || !strings.Contains(host, ".") {
		// A single-label name is resolved by local search domains: an
		// internal host.
		return nil, refused
	}
	if r == nil {
		r = net.DefaultResolver
	}
	// Short: a registration runs in its mutation's transaction, which on
	// SQLite holds the write lock. The look-up is a courtesy to the caller;
	// the check on every connection is the guard.
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	addrs, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return u, ""
	}
	for _, a := range addrs {
		if Reserved(a) {
			return nil, refused
		}
	}
	return u, ""
}

// guardDial refuses connections to reserved addresses: it runs on the
// address being dialled, after name resolution, so a name that resolves
// to a private address at delivery time is refused too.
func guardDial(allowPrivate bool) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		if allowPrivate {
			return nil
		}
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return ErrAddressRefused
		}
		a, err := netip.ParseAddr(host)
		if err != nil || Reserved(a) {
			return ErrAddressRefused
		}
		return nil
	}
}

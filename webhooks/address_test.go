package webhooks

import (
	"context"
	"errors"
	"net/netip"
	"testing"
)

func TestReserved(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1": true, "127.8.9.1": true, "10.1.2.3": true, "172.16.0.1": true, "172.31.255.255": true,
		"192.168.1.1": true, "169.254.169.254": true, "0.0.0.0": true, "0.1.2.3": true, "100.64.0.1": true,
		"198.18.0.1": true, "224.0.0.1": true, "255.255.255.255": true, "192.0.2.10": true,
		"::1": true, "::": true, "fe80::1": true, "fc00::1": true, "fd12:3456::1": true, "ff02::1": true,
		"::ffff:127.0.0.1": true, "::ffff:10.0.0.1": true, "64:ff9b::a00:1": true, "2002:a00:1::1": true,
		"8.8.8.8": false, "1.1.1.1": false, "172.32.0.1": false, "100.128.0.1": false, "203.0.114.1": false,
		"2400:3200::1": false, "::ffff:8.8.8.8": false,
	} {
		if got := Reserved(netip.MustParseAddr(addr)); got != want {
			t.Errorf("Reserved(%s) = %v, want %v", addr, got, want)
		}
	}
}

type fakeResolver map[string][]string

func (f fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	addrs, ok := f[host]
	if !ok {
		return nil, errors.New("no such host")
	}
	var out []netip.Addr
	for _, a := range addrs {
		out = append(out, netip.MustParseAddr(a))
	}
	return out, nil
}

func TestCheckURL(t *testing.T) {
	r := fakeResolver{
		"hooks.example.org":    {"93.184.216.34"},
		"internal.example.org": {"93.184.216.34", "10.0.0.7"},
		"metadata.example.org": {"169.254.169.254"},
	}
	ctx := context.Background()
	for _, tc := range []struct {
		url          string
		allowPrivate bool
		ok           bool
	}{
		{"https://hooks.example.org/tongxing", false, true},
		{"http://hooks.example.org:8443/x?y=1", false, true},
		{"https://93.184.216.34/hook", false, true},
		{"https://unresolvable.example.net/hook", false, true}, // checked again when delivering
		{"https://internal.example.org/hook", false, false},
		{"https://metadata.example.org/latest/meta-data", false, false},
		{"http://127.0.0.1:8080/hook", false, false},
		{"http://[::1]/hook", false, false},
		{"http://[::ffff:127.0.0.1]/hook", false, false},
		{"http://169.254.169.254/latest/meta-data", false, false},
		{"http://10.0.0.1/hook", false, false},
		{"http://localhost/hook", false, false},
		{"http://api.localhost/hook", false, false},
		{"http://intranet/hook", false, false},
		{"http://0x7f000001/hook", false, false},
		{"http://127.0.0.1:8080/hook", true, true},
		{"http://localhost/hook", true, true},
		{"ftp://hooks.example.org/x", true, false},
		{"file:///etc/passwd", true, false},
		{"javascript:alert(1)", true, false},
		{"/relative/hook", true, false},
		{"https://user:pass@hooks.example.org/x", false, false},
		{"https://hooks.example.org/x#frag", false, false},
		{"https://hooks.example.org:0/x", false, false},
		{"https://hooks.example.org:99999/x", false, false},
		{"https://", true, false},
	} {
		u, msg := CheckURL(ctx, tc.url, tc.allowPrivate, r)
		if (msg == "") != tc.ok || (u != nil) != tc.ok {
			t.Errorf("CheckURL(%q, allowPrivate %v) = %v, %q; want ok %v", tc.url, tc.allowPrivate, u, msg, tc.ok)
		}
	}
}

func TestGuardDial(t *testing.T) {
	refuse, allow := guardDial(false), guardDial(true)
	for addr, want := range map[string]error{
		"93.184.216.34:443": nil, "[2400:3200::1]:443": nil,
		"127.0.0.1:80": ErrAddressRefused, "[::1]:80": ErrAddressRefused, "169.254.169.254:80": ErrAddressRefused,
		"10.0.0.1:443": ErrAddressRefused, "not-an-address": ErrAddressRefused,
	} {
		if err := refuse("tcp", addr, nil); err != want {
			t.Errorf("guard(%s) = %v, want %v", addr, err, want)
		}
		if err := allow("tcp", addr, nil); err != nil {
			t.Errorf("guard allowing private (%s) = %v", addr, err)
		}
	}
}

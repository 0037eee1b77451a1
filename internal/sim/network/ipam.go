package network

import (
	"net/netip"
	"strings"
)

// ipRange is an inclusive range of addresses, such as an allocation pool.
type ipRange struct {
	Start, End netip.Addr
}

func (p ipRange) contains(a netip.Addr) bool {
	return a.Compare(p.Start) >= 0 && a.Compare(p.End) <= 0
}

func (p ipRange) overlaps(o ipRange) bool {
	return p.Start.Compare(o.End) <= 0 && o.Start.Compare(p.End) <= 0
}

func (p ipRange) String() string { return p.Start.String() + "-" + p.End.String() }

func (p ipRange) doc() map[string]any {
	return map[string]any{"start": p.Start.String(), "end": p.End.String()}
}

// lastAddr is the highest address of a prefix (the IPv4 broadcast).
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().AsSlice()
	for i := range b {
		bitsLeft := p.Bits() - i*8
		switch {
		case bitsLeft <= 0:
			b[i] = 0xff
		case bitsLeft < 8:
			b[i] |= 0xff >> bitsLeft
		}
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// addrAdd returns a moved n addresses up (n small), staying in p.
func addrAdd(a netip.Addr, n int) netip.Addr {
	for range n {
		a = a.Next()
	}
	return a
}

// parseCIDR reads a subnet CIDR the way Neutron validates it: it must be
// the network address of the prefix.
func parseCIDR(key, s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return p, attrErr(key, "'%s' is not a valid IP subnet", s)
	}
	if p.Masked() != p {
		return p, attrErr(key, "'%s' isn't a recognized IP subnet cidr, '%s' is recommended", s, p.Masked())
	}
	return p, nil
}

// defaultPools are Neutron's automatic allocation pools: every address
// but the network address, the IPv4 broadcast and the gateway.
func defaultPools(p netip.Prefix, gateway netip.Addr) []ipRange {
	first, last := p.Addr(), lastAddr(p)
	if first == last {
		return []ipRange{{first, last}}
	}
	start, end := first.Next(), last
	if p.Addr().Is4() {
		end = last.Prev()
	}
	if start.Compare(end) >= 0 {
		return nil
	}
	r := ipRange{start, end}
	if !gateway.IsValid() || !r.contains(gateway) {
		return []ipRange{r}
	}
	var out []ipRange
	if gateway != start {
		out = append(out, ipRange{start, gateway.Prev()})
	}
	if gateway != end {
		out = append(out, ipRange{gateway.Next(), end})
	}
	return out
}

// validIPForSubnet is Neutron's check that an address may be a fixed IP of
// the subnet: inside the CIDR, and for IPv4 neither the network nor the
// broadcast address.
func validIPForSubnet(p netip.Prefix, a netip.Addr, routerPort bool) bool {
	if !p.Contains(a) {
		return false
	}
	if p.Addr().Is4() {
		return p.Bits() >= 31 || (a != p.Addr() && a != lastAddr(p))
	}
	return routerPort || a != p.Addr()
}

// eui64 is the SLAAC address of a MAC address in a /64 prefix.
func eui64(p netip.Prefix, mac string) (netip.Addr, bool) {
	parts := strings.Split(mac, ":")
	if len(parts) != 6 || p.Bits() != 64 {
		return netip.Addr{}, false
	}
	var m [6]byte
	for i, h := range parts {
		var v byte
		for _, c := range h {
			d, ok := hexDigit(c)
			if !ok || len(h) != 2 {
				return netip.Addr{}, false
			}
			v = v<<4 | d
		}
		m[i] = v
	}
	b := p.Addr().As16()
	copy(b[8:], []byte{m[0] ^ 0x02, m[1], m[2], 0xff, 0xfe, m[3], m[4], m[5]})
	return netip.AddrFrom16(b), true
}

func hexDigit(c rune) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return byte(c - '0'), true
	case c >= 'a' && c <= 'f':
		return byte(c-'a') + 10, true
	case c >= 'A' && c <= 'F':
		return byte(c-'A') + 10, true
	}
	return 0, false
}

// validMAC reports whether s is a unicast MAC address in colon notation.
func validMAC(s string) bool {
	parts := strings.Split(s, ":")
	if len(parts) != 6 {
		return false
	}
	for _, p := range parts {
		if len(p) != 2 {
			return false
		}
		for _, c := range p {
			if _, ok := hexDigit(c); !ok {
				return false
			}
		}
	}
	first, _ := hexDigit(rune(s[1]))
	return first&1 == 0 && s != "00:00:00:00:00:00"
}

// parseIPOrCIDR reads an address or a prefix (an address becomes a host
// prefix), as remote_ip_prefix and allowed address pairs take it.
func parseIPOrCIDR(s string) (netip.Prefix, bool) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p, true
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return netip.PrefixFrom(a, a.BitLen()), true
	}
	return netip.Prefix{}, false
}

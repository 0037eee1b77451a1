package scs

import "fmt"

// DiskType is the root-disk class of a flavor: the disk letter of an
// scs-0100 name and the value of the scs:diskN-type extra spec.
//
// The classes are ordered as the scs-0100 tooling sorts them
// (network < hdd < ssd < nvme). DiskUnspecified, the zero value, means the
// name carries no disk letter.
type DiskType int

// The scs-0100 disk classes.
const (
	DiskUnspecified DiskType = iota // no letter: the cloud decides
	DiskNetwork                     // n: network shared storage
	DiskHDD                         // h: local HDD
	DiskSSD                         // s: local SSD (scs-0110)
	DiskNVMe                        // p: local high-performance NVMe
)

// diskTypeInfo is the name letter and extra-spec value of each class,
// indexed by DiskType.
var diskTypeInfo = [...]struct {
	letter byte
	name   string
}{
	{0, "unspecified"},
	{'n', "network"},
	{'h', "hdd"},
	{'s', "ssd"},
	{'p', "nvme"},
}

// Valid reports whether t is DiskUnspecified or one of the four classes.
func (t DiskType) Valid() bool {
	return t >= DiskUnspecified && t <= DiskNVMe
}

// String returns the scs:diskN-type value ("network", "hdd", "ssd",
// "nvme"), "unspecified" for DiskUnspecified, or "DiskType(n)".
func (t DiskType) String() string {
	if !t.Valid() {
		return fmt.Sprintf("DiskType(%d)", int(t))
	}
	return diskTypeInfo[t].name
}

// Letter returns the flavor-name letter (n, h, s or p), or 0 for
// DiskUnspecified and invalid values.
func (t DiskType) Letter() byte {
	if !t.Valid() {
		return 0
	}
	return diskTypeInfo[t].letter
}

// SpecValue returns the scs:diskN-type value the scs-0103 test expects for
// this disk: an unspecified type counts as network, because the test code
// computes `disktype or 'n'`.
func (t DiskType) SpecValue() string {
	if t == DiskUnspecified {
		return DiskNetwork.String()
	}
	return t.String()
}

// ParseDiskType parses an scs:diskN-type extra-spec value such as "ssd".
func ParseDiskType(s string) (DiskType, error) {
	for t := DiskNetwork; t <= DiskNVMe; t++ {
		if diskTypeInfo[t].name == s {
			return t, nil
		}
	}
	return 0, fmt.Errorf("disk type %q: want network, hdd, ssd or nvme", s)
}

// diskTypeFromLetter maps a flavor-name disk letter to its class.
func diskTypeFromLetter(b byte) (DiskType, bool) {
	for t := DiskNetwork; t <= DiskNVMe; t++ {
		if b != 0 && diskTypeInfo[t].letter == b {
			return t, true
		}
	}
	return 0, false
}

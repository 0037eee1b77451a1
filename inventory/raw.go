package inventory

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// raw is what the API returned, kind by kind, before assembly. Each
// field is written by exactly one task.
type raw struct {
	servers      []novaServer
	nicOrder     map[string][]string // server ID → port IDs in interface order
	flavors      []novaFlavor
	keypairs     []novaKeypair
	serverGroups []novaServerGroup

	images []glanceImage

	volumes     []cinderVolume
	snapshots   []cinderSnapshot
	backups     []cinderBackup
	volumeTypes []cinderVolumeType

	networks  []neutronNetwork
	subnets   []neutronSubnet
	routers   []neutronRouter
	secGroups []neutronSecGroup
	ports     []neutronPort
	fips      []neutronFloatingIP

	lbs        []LoadBalancer
	containers []Container
	quotas     []Quota
	clusters   []Cluster
	versions   map[string]string
}

// flexInt decodes a JSON number, a numeric string, "" or null (Nova's
// flavor swap is "" when there is none).
type flexInt int

func (f *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(bytes.TrimSpace(b)), `"`)
	if s == "" || s == "null" {
		*f = 0
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return err
	}
	*f = flexInt(v)
	return nil
}

// flexBool decodes true, "true", "True", "1" and friends (Cinder's
// bootable and Nova's config_drive are strings).
type flexBool bool

func (f *flexBool) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	switch t := v.(type) {
	case bool:
		*f = flexBool(t)
	case string:
		ok, _ := strconv.ParseBool(strings.ToLower(t))
		*f = flexBool(ok)
	case float64:
		*f = t != 0
	default:
		*f = false
	}
	return nil
}

// strMap decodes an object whose values may be of any JSON type into
// strings: strings stay as they are, other values are their JSON text.
type strMap map[string]string

func (m *strMap) UnmarshalJSON(b []byte) error {
	var in map[string]json.RawMessage
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	if in == nil {
		*m = nil
		return nil
	}
	out := make(strMap, len(in))
	for k, v := range in {
		out[k] = jsonString(v)
	}
	*m = out
	return nil
}

// jsonString is a JSON value as a string: the string itself, or the
// value's compact JSON text ("" for null).
func jsonString(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	if string(bytes.TrimSpace(v)) == "null" {
		return ""
	}
	var buf bytes.Buffer
	if json.Compact(&buf, v) != nil {
		return string(v)
	}
	return buf.String()
}

// idRef is {"id": …}, as lists of related objects come in Octavia.
type idRef struct {
	ID string `json:"id"`
}

package compute

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// apiError is Nova's refusal.
type apiError = core.APIError

func errorf(status int, format string, args ...any) *apiError {
	return core.NovaErrors.Errorf(status, format, args...)
}

func badRequest(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, format, args...)
}

// serverCreateRequest is the body of POST /servers.
type serverCreateRequest struct {
	Server      *serverSpec     `json:"server"`
	Hints       *schedulerHints `json:"os:scheduler_hints"`
	LegacyHints *schedulerHints `json:"OS-SCH-HNT:scheduler_hints"`
}

type schedulerHints struct {
	Group jsonValue `json:"group"`
}

type serverSpec struct {
	Name             *string                 `json:"name"`
	FlavorRef        jsonValue               `json:"flavorRef"`
	ImageRef         jsonValue               `json:"imageRef"`
	Networks         json.RawMessage         `json:"networks"`
	BDMs             []bdmSpec               `json:"block_device_mapping_v2"`
	KeyName          *string                 `json:"key_name"`
	SecurityGroups   []struct{ Name string } `json:"security_groups"`
	AvailabilityZone string                  `json:"availability_zone"`
	Metadata         map[string]string       `json:"metadata"`
	Tags             []string                `json:"tags"`
	ConfigDrive      jsonValue               `json:"config_drive"`
	UserData         *string                 `json:"user_data"`
	Description      *string                 `json:"description"`
	AccessIPv4       string                  `json:"accessIPv4"`
	AccessIPv6       string                  `json:"accessIPv6"`
	DiskConfig       string                  `json:"OS-DCF:diskConfig"`
	AdminPass        string                  `json:"adminPass"`
}

// bdmSpec is one block_device_mapping_v2 entry.
type bdmSpec struct {
	SourceType          string    `json:"source_type"`
	DestinationType     string    `json:"destination_type"`
	UUID                string    `json:"uuid"`
	BootIndex           jsonValue `json:"boot_index"`
	VolumeSize          jsonValue `json:"volume_size"`
	DeleteOnTermination jsonValue `json:"delete_on_termination"`
	DeviceName          string    `json:"device_name"`
	VolumeType          string    `json:"volume_type"`
	Tag                 string    `json:"tag"`
}

// netSpec is one requested network: a network (optionally with a fixed
// IP) or an existing port.
type netSpec struct {
	UUID    string `json:"uuid"`
	Port    string `json:"port"`
	FixedIP string `json:"fixed_ip"`
	Tag     string `json:"tag"`
}

// jsonValue is a JSON scalar Nova accepts in several spellings: 1 or
// "1", true or "True".
type jsonValue json.RawMessage

func (f *jsonValue) UnmarshalJSON(b []byte) error {
	*f = append((*f)[:0], b...)
	return nil
}

func (f jsonValue) set() bool { return len(f) > 0 && string(f) != "null" }

func (f jsonValue) str() string {
	var s string
	if json.Unmarshal(f, &s) == nil {
		return s
	}
	return strings.TrimSpace(string(f))
}

func (f jsonValue) integer() (int, bool) {
	if !f.set() {
		return 0, false
	}
	n, err := strconv.Atoi(f.str())
	return n, err == nil
}

func (f jsonValue) boolean() (bool, bool) {
	if !f.set() {
		return false, true
	}
	switch strings.ToLower(f.str()) {
	case "true", "1", "yes", "on", "t", "y":
		return true, true
	case "false", "0", "no", "off", "f", "n", "":
		return false, true
	}
	return false, false
}

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$`)

// refID is the ID in an imageRef or flavorRef, which may be a URL.
func refID(ref string) string { return path.Base(strings.TrimRight(ref, "/")) }

// checkSchema applies the parts of Nova's request schema that depend
// only on the body and the microversion.
func checkSchema(spec *serverSpec, v microversion) *apiError {
	const prefix = "Invalid input for field/attribute "
	switch {
	case spec.Name == nil:
		return badRequest(prefix + "server. 'name' is a required property")
	case checkName(*spec.Name) != nil:
		return checkName(*spec.Name)
	case !spec.FlavorRef.set():
		return badRequest(prefix + "server. 'flavorRef' is a required property")
	case v >= 37 && len(spec.Networks) == 0:
		return badRequest(prefix + "server. 'networks' is a required property")
	case spec.Tags != nil && v < 52:
		return badRequest(prefix + "server. Additional properties are not allowed ('tags' was unexpected)")
	case spec.Description != nil && v < 19:
		return badRequest(prefix + "server. Additional properties are not allowed ('description' was unexpected)")
	case spec.Description != nil && len(*spec.Description) > 255:
		return badRequest(prefix + "description. Value is too long")
	case spec.DiskConfig != "" && spec.DiskConfig != "AUTO" && spec.DiskConfig != "MANUAL":
		return badRequest(prefix+"OS-DCF:diskConfig. Value: %s. '%s' is not one of ['AUTO', 'MANUAL']", spec.DiskConfig, spec.DiskConfig)
	}
	if _, ok := spec.ConfigDrive.boolean(); !ok {
		return badRequest("Invalid config_drive provided.")
	}
	if spec.UserData != nil {
		if _, err := base64.StdEncoding.DecodeString(*spec.UserData); err != nil {
			return badRequest(prefix+"user_data. Value: %s. 'user_data' is not a 'base64'", *spec.UserData)
		}
	}
	if err := checkServerMetadata(spec.Metadata); err != nil {
		return err
	}
	return checkServerTags(spec.Tags)
}

// netAuto is the network ID Nova records for "networks": "auto"
// until it has picked the network.
const netAuto = "auto"

// parseNetworks reads "networks": a list of requests, or (from 2.37)
// "auto" (one request for the network novaNetAuto) or "none". An absent
// list means no networks.
func parseNetworks(raw json.RawMessage, v microversion) ([]netSpec, *apiError) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var word string
	if json.Unmarshal(raw, &word) == nil {
		switch {
		case v >= 37 && word == "auto":
			return []netSpec{{UUID: netAuto}}, nil
		case v >= 37 && word == "none":
			return nil, nil
		}
		return nil, badRequest("Invalid input for field/attribute networks. Value: %s. %s is not of type 'array'", word, raw)
	}
	var nets []netSpec
	if err := json.Unmarshal(raw, &nets); err != nil {
		return nil, badRequest("Bad networks format")
	}
	for _, n := range nets {
		if n.Port == "" && !uuidPattern.MatchString(n.UUID) {
			return nil, badRequest("Bad networks format: network uuid is not in proper format (%s)", n.UUID)
		}
	}
	return nets, nil
}

// checkServerMetadata applies Nova's limits to server metadata.
func checkServerMetadata(md map[string]string) *apiError {
	if len(md) > maxServerMeta {
		return errorf(http.StatusForbidden, "Quota exceeded for metadata_items: Requested %d, but already used 0 of %d metadata_items", len(md), maxServerMeta)
	}
	for k, val := range md {
		if k == "" || len(k) > 255 {
			return badRequest("Invalid input for field/attribute metadata. Value: %s. Metadata property key must be between 1 and 255 characters", k)
		}
		if len(val) > 255 {
			return badRequest("Invalid input for field/attribute metadata. Value: %s. Metadata property value greater than 255 characters", val)
		}
	}
	return nil
}

// maxServerMeta is Nova's metadata_items quota.
const maxServerMeta = 128

// maxServerTags is Nova's per-server tag limit.
const maxServerTags = 50

// checkServerTags applies Nova's tag rules: at most 50, each 1–60 characters
// without "/" or ",".
func checkServerTags(tags []string) *apiError {
	if len(tags) > maxServerTags {
		return badRequest("The number of tags exceeded the per-server limit %d", maxServerTags)
	}
	for _, t := range tags {
		if err := checkServerTag(t); err != nil {
			return err
		}
	}
	return nil
}

func checkServerTag(t string) *apiError {
	if t == "" || len(t) > 60 || strings.ContainsAny(t, "/,") {
		return badRequest("Invalid input for field/attribute tags. Value: %s. '%s' does not match '^[^,/]*$' or has an invalid length", t, t)
	}
	return nil
}

// checkName applies Nova's "name" format: 1–255 characters without
// leading or trailing whitespace.
func checkName(name string) *apiError {
	const prefix = "Invalid input for field/attribute name. Value: "
	switch {
	case name == "":
		return badRequest(prefix + ". '' is too short")
	case len(name) > 255:
		return badRequest(prefix+"%s. '%s' is too long", name, name)
	case strings.TrimSpace(name) != name:
		return badRequest(prefix+"%s. '%s' is not a 'name'", name, name)
	}
	return nil
}

package sim

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// novaError is an API error to answer: status and Nova's message.
type novaError struct {
	status int
	msg    string
}

func novaBadRequest(format string, args ...any) *novaError {
	return &novaError{http.StatusBadRequest, fmt.Sprintf(format, args...)}
}

func (e *novaError) write(w http.ResponseWriter) { core.NovaErrors.Write(w, e.status, e.msg) }

// serverCreateRequest is the body of POST /servers.
type serverCreateRequest struct {
	Server      *serverSpec     `json:"server"`
	Hints       *schedulerHints `json:"os:scheduler_hints"`
	LegacyHints *schedulerHints `json:"OS-SCH-HNT:scheduler_hints"`
}

type schedulerHints struct {
	Group novaValue `json:"group"`
}

type serverSpec struct {
	Name             *string                 `json:"name"`
	FlavorRef        novaValue               `json:"flavorRef"`
	ImageRef         novaValue               `json:"imageRef"`
	Networks         json.RawMessage         `json:"networks"`
	BDMs             []novaBDMSpec           `json:"block_device_mapping_v2"`
	KeyName          *string                 `json:"key_name"`
	SecurityGroups   []struct{ Name string } `json:"security_groups"`
	AvailabilityZone string                  `json:"availability_zone"`
	Metadata         map[string]string       `json:"metadata"`
	Tags             []string                `json:"tags"`
	ConfigDrive      novaValue               `json:"config_drive"`
	UserData         *string                 `json:"user_data"`
	Description      *string                 `json:"description"`
	AccessIPv4       string                  `json:"accessIPv4"`
	AccessIPv6       string                  `json:"accessIPv6"`
	DiskConfig       string                  `json:"OS-DCF:diskConfig"`
	AdminPass        string                  `json:"adminPass"`
}

// novaBDMSpec is one block_device_mapping_v2 entry.
type novaBDMSpec struct {
	SourceType          string    `json:"source_type"`
	DestinationType     string    `json:"destination_type"`
	UUID                string    `json:"uuid"`
	BootIndex           novaValue `json:"boot_index"`
	VolumeSize          novaValue `json:"volume_size"`
	DeleteOnTermination novaValue `json:"delete_on_termination"`
	DeviceName          string    `json:"device_name"`
	VolumeType          string    `json:"volume_type"`
	Tag                 string    `json:"tag"`
}

// novaNetSpec is one requested network: a network (optionally with a fixed
// IP) or an existing port.
type novaNetSpec struct {
	UUID    string `json:"uuid"`
	Port    string `json:"port"`
	FixedIP string `json:"fixed_ip"`
	Tag     string `json:"tag"`
}

// novaValue is a JSON scalar Nova accepts in several spellings: 1 or
// "1", true or "True".
type novaValue json.RawMessage

func (f *novaValue) UnmarshalJSON(b []byte) error {
	*f = append((*f)[:0], b...)
	return nil
}

func (f novaValue) set() bool { return len(f) > 0 && string(f) != "null" }

func (f novaValue) str() string {
	var s string
	if json.Unmarshal(f, &s) == nil {
		return s
	}
	return strings.TrimSpace(string(f))
}

func (f novaValue) integer() (int, bool) {
	if !f.set() {
		return 0, false
	}
	n, err := strconv.Atoi(f.str())
	return n, err == nil
}

func (f novaValue) boolean() (bool, bool) {
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

var novaUUIDPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$`)

// novaRefID is the ID in an imageRef or flavorRef, which may be a URL.
func novaRefID(ref string) string { return path.Base(strings.TrimRight(ref, "/")) }

// checkSchema applies the parts of Nova's request schema that depend
// only on the body and the microversion.
func checkSchema(spec *serverSpec, v novaVersion) *novaError {
	const prefix = "Invalid input for field/attribute "
	switch {
	case spec.Name == nil:
		return novaBadRequest(prefix + "server. 'name' is a required property")
	case checkName(*spec.Name) != nil:
		return checkName(*spec.Name)
	case !spec.FlavorRef.set():
		return novaBadRequest(prefix + "server. 'flavorRef' is a required property")
	case v >= 37 && len(spec.Networks) == 0:
		return novaBadRequest(prefix + "server. 'networks' is a required property")
	case spec.Tags != nil && v < 52:
		return novaBadRequest(prefix + "server. Additional properties are not allowed ('tags' was unexpected)")
	case spec.Description != nil && v < 19:
		return novaBadRequest(prefix + "server. Additional properties are not allowed ('description' was unexpected)")
	case spec.Description != nil && len(*spec.Description) > 255:
		return novaBadRequest(prefix + "description. Value is too long")
	case spec.DiskConfig != "" && spec.DiskConfig != "AUTO" && spec.DiskConfig != "MANUAL":
		return novaBadRequest(prefix+"OS-DCF:diskConfig. Value: %s. '%s' is not one of ['AUTO', 'MANUAL']", spec.DiskConfig, spec.DiskConfig)
	}
	if _, ok := spec.ConfigDrive.boolean(); !ok {
		return novaBadRequest("Invalid config_drive provided.")
	}
	if spec.UserData != nil {
		if _, err := base64.StdEncoding.DecodeString(*spec.UserData); err != nil {
			return novaBadRequest(prefix+"user_data. Value: %s. 'user_data' is not a 'base64'", *spec.UserData)
		}
	}
	if err := checkServerMetadata(spec.Metadata); err != nil {
		return err
	}
	return checkServerTags(spec.Tags)
}

// novaNetAuto is the network ID Nova records for "networks": "auto"
// until it has picked the network.
const novaNetAuto = "auto"

// parseNetworks reads "networks": a list of requests, or (from 2.37)
// "auto" (one request for the network novaNetAuto) or "none". An absent
// list means no networks.
func parseNetworks(raw json.RawMessage, v novaVersion) ([]novaNetSpec, *novaError) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var word string
	if json.Unmarshal(raw, &word) == nil {
		switch {
		case v >= 37 && word == "auto":
			return []novaNetSpec{{UUID: novaNetAuto}}, nil
		case v >= 37 && word == "none":
			return nil, nil
		}
		return nil, novaBadRequest("Invalid input for field/attribute networks. Value: %s. %s is not of type 'array'", word, raw)
	}
	var nets []novaNetSpec
	if err := json.Unmarshal(raw, &nets); err != nil {
		return nil, novaBadRequest("Bad networks format")
	}
	for _, n := range nets {
		if n.Port == "" && !novaUUIDPattern.MatchString(n.UUID) {
			return nil, novaBadRequest("Bad networks format: network uuid is not in proper format (%s)", n.UUID)
		}
	}
	return nets, nil
}

// checkServerMetadata applies Nova's limits to server metadata.
func checkServerMetadata(md map[string]string) *novaError {
	if len(md) > maxServerMeta {
		return &novaError{http.StatusForbidden, fmt.Sprintf("Quota exceeded for metadata_items: Requested %d, but already used 0 of %d metadata_items", len(md), maxServerMeta)}
	}
	for k, val := range md {
		if k == "" || len(k) > 255 {
			return novaBadRequest("Invalid input for field/attribute metadata. Value: %s. Metadata property key must be between 1 and 255 characters", k)
		}
		if len(val) > 255 {
			return novaBadRequest("Invalid input for field/attribute metadata. Value: %s. Metadata property value greater than 255 characters", val)
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
func checkServerTags(tags []string) *novaError {
	if len(tags) > maxServerTags {
		return novaBadRequest("The number of tags exceeded the per-server limit %d", maxServerTags)
	}
	for _, t := range tags {
		if err := checkServerTag(t); err != nil {
			return err
		}
	}
	return nil
}

func checkServerTag(t string) *novaError {
	if t == "" || len(t) > 60 || strings.ContainsAny(t, "/,") {
		return novaBadRequest("Invalid input for field/attribute tags. Value: %s. '%s' does not match '^[^,/]*$' or has an invalid length", t, t)
	}
	return nil
}

// checkName applies Nova's "name" format: 1–255 characters without
// leading or trailing whitespace.
func checkName(name string) *novaError {
	const prefix = "Invalid input for field/attribute name. Value: "
	switch {
	case name == "":
		return novaBadRequest(prefix + ". '' is too short")
	case len(name) > 255:
		return novaBadRequest(prefix+"%s. '%s' is too long", name, name)
	case strings.TrimSpace(name) != name:
		return novaBadRequest(prefix+"%s. '%s' is not a 'name'", name, name)
	}
	return nil
}

package image

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// apiError is the room's refusal.
type apiError = core.APIError

func errorf(status int, format string, args ...any) *apiError {
	return core.GlanceErrors.Errorf(status, format, args...)
}

// schemaErr is Glance's answer when a value does not fit the image
// schema.
func schemaErr(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, "Provided object does not match schema 'image': "+format, args...)
}

var (
	diskFormats = []string{"ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2", "vdi", "iso", "ploop"}
	// readOnly are the attributes Glance computes itself.
	readOnly = []string{"checksum", "created_at", "updated_at", "status", "size", "virtual_size",
		"os_hash_algo", "os_hash_value", "direct_url", "self", "file", "schema", "stores"}
	reserved    = []string{"location", "deleted", "deleted_at"}
	uuidPattern = regexp.MustCompile(`^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$`)
)

// imageBaseAttrs are the base properties a client may write; anything
// else is an additional property.
var imageBaseAttrs = []string{"name", "visibility", "protected", "os_hidden", "min_disk", "min_ram",
	"container_format", "disk_format", "tags", "owner", "id"}

// checkWritable rejects attributes no client may write.
func checkWritable(key string) *apiError {
	switch {
	case slices.Contains(readOnly, key):
		return errorf(http.StatusForbidden, "Attribute '%s' is read-only.", key)
	case slices.Contains(reserved, key), strings.HasPrefix(key, "os_glance"):
		return errorf(http.StatusForbidden, "Attribute '%s' is reserved.", key)
	}
	return nil
}

// setAttr sets one attribute (base or additional) of an image to a
// JSON value, validating it the way Glance's schema and domain model do.
func setAttr(im *image, key string, val any, projectID string) *apiError {
	if err := checkWritable(key); err != nil {
		return err
	}
	switch key {
	case "name":
		return setNullable(&im.Name, key, val, nil)
	case "visibility":
		return setVisibility(im, val)
	case "protected":
		return setBool(&im.Protected, val)
	case "os_hidden":
		return setBool(&im.Hidden, val)
	case "min_disk":
		return setCount(&im.MinDisk, key, val)
	case "min_ram":
		return setCount(&im.MinRAM, key, val)
	case "container_format", "disk_format":
		return setFormat(im, key, val)
	case "tags":
		return setTags(im, val)
	case "owner":
		if s, ok := val.(string); !ok || s != projectID {
			return errorf(http.StatusForbidden, "You are not permitted to modify 'owner' on this image.")
		}
		return nil
	case "id":
		return errorf(http.StatusForbidden, "Attribute 'id' is read-only.")
	}
	s, ok := val.(string)
	if !ok {
		return schemaErr("%s is not of type 'string'", reprJSON(val))
	}
	if im.Properties == nil {
		im.Properties = map[string]string{}
	}
	im.Properties[key] = s
	return nil
}

func setNullable(dst **string, key string, val any, enum []string) *apiError {
	if val == nil {
		*dst = nil
		return nil
	}
	s, ok := val.(string)
	if !ok {
		return schemaErr("%s is not of type 'null', 'string'", reprJSON(val))
	}
	if enum != nil && !slices.Contains(enum, s) {
		return schemaErr("'%s' is not one of [None, '%s']", s, strings.Join(enum, "', '"))
	}
	if enum == nil && len(s) > 255 {
		return schemaErr("'%s' is too long", s)
	}
	*dst = &s
	return nil
}

func setVisibility(im *image, val any) *apiError {
	s, ok := val.(string)
	if !ok || !slices.Contains(core.ImageVisibilities, s) {
		return schemaErr("%s is not one of ['community', 'public', 'private', 'shared']", reprJSON(val))
	}
	if s == "public" && im.Visibility != "public" {
		return errorf(http.StatusForbidden, "You are not authorized to complete publicize_image action.")
	}
	im.Visibility = s
	return nil
}

func setBool(dst *bool, val any) *apiError {
	b, ok := val.(bool)
	if !ok {
		return schemaErr("%s is not of type 'boolean'", reprJSON(val))
	}
	*dst = b
	return nil
}

func setCount(dst *int, key string, val any) *apiError {
	f, ok := val.(float64)
	if !ok || f != float64(int64(f)) {
		return schemaErr("%s is not of type 'integer'", reprJSON(val))
	}
	if f < 0 {
		return errorf(http.StatusBadRequest, "Cannot set %s to a negative value.", key)
	}
	*dst = int(f)
	return nil
}

func setFormat(im *image, key string, val any) *apiError {
	dst, enum := &im.DiskFormat, diskFormats
	if key == "container_format" {
		dst, enum = &im.ContainerFormat, core.ImageContainerFormats
	}
	if im.Status != statusQueued {
		return errorf(http.StatusForbidden, "Attribute %s can be only replaced for a queued image.", key)
	}
	return setNullable(dst, key, val, enum)
}

func setTags(im *image, val any) *apiError {
	list, ok := val.([]any)
	if !ok {
		return schemaErr("%s is not of type 'array'", reprJSON(val))
	}
	tags := []string{}
	for _, t := range list {
		s, ok := t.(string)
		if !ok {
			return schemaErr("%s is not of type 'string'", reprJSON(t))
		}
		if len(s) > 255 {
			return schemaErr("'%s' is too long", s)
		}
		if !slices.Contains(tags, s) {
			tags = append(tags, s)
		}
	}
	im.Tags = tags
	return nil
}

// reprJSON prints a JSON value the way Python's repr shows it in
// Glance's schema errors.
func reprJSON(v any) string {
	switch t := v.(type) {
	case nil:
		return "None"
	case string:
		return "'" + t + "'"
	case bool:
		if t {
			return "True"
		}
		return "False"
	case float64:
		if t == float64(int64(t)) {
			return fmt.Sprint(int64(t))
		}
	}
	return fmt.Sprint(v)
}

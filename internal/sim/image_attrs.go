package sim

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// imageError is a Glance error answer: status and explanation.
type imageError struct {
	status int
	msg    string
}

func (e *imageError) Error() string { return e.msg }

func (e *imageError) write(w http.ResponseWriter) { core.GlanceErrors.Write(w, e.status, e.msg) }

func imageErr(status int, format string, args ...any) *imageError {
	return &imageError{status: status, msg: fmt.Sprintf(format, args...)}
}

// imageSchemaErr is Glance's answer when a value does not fit the image
// schema.
func imageSchemaErr(format string, args ...any) *imageError {
	return imageErr(http.StatusBadRequest, "Provided object does not match schema 'image': "+format, args...)
}

var (
	imageDiskFormats      = []string{"ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2", "vdi", "iso", "ploop"}
	imageContainerFormats = []string{"ami", "ari", "aki", "bare", "ovf", "ova", "docker", "compressed"}
	imageVisibilities     = []string{"community", "public", "private", "shared"}
	// imageReadOnly are the attributes Glance computes itself.
	imageReadOnly = []string{"checksum", "created_at", "updated_at", "status", "size", "virtual_size",
		"os_hash_algo", "os_hash_value", "direct_url", "self", "file", "schema", "stores"}
	imageReserved    = []string{"location", "deleted", "deleted_at"}
	imageUUIDPattern = regexp.MustCompile(`^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$`)
)

// imageBaseAttrs are the base properties a client may write; anything
// else is an additional property.
var imageBaseAttrs = []string{"name", "visibility", "protected", "os_hidden", "min_disk", "min_ram",
	"container_format", "disk_format", "tags", "owner", "id"}

// imageCheckWritable rejects attributes no client may write.
func imageCheckWritable(key string) *imageError {
	switch {
	case slices.Contains(imageReadOnly, key):
		return imageErr(http.StatusForbidden, "Attribute '%s' is read-only.", key)
	case slices.Contains(imageReserved, key), strings.HasPrefix(key, "os_glance"):
		return imageErr(http.StatusForbidden, "Attribute '%s' is reserved.", key)
	}
	return nil
}

// setImageAttr sets one attribute (base or additional) of an image to a
// JSON value, validating it the way Glance's schema and domain model do.
func setImageAttr(im *image, key string, val any, projectID string) *imageError {
	if err := imageCheckWritable(key); err != nil {
		return err
	}
	switch key {
	case "name":
		return imageSetNullable(&im.Name, key, val, nil)
	case "visibility":
		return imageSetVisibility(im, val)
	case "protected":
		return imageSetBool(&im.Protected, val)
	case "os_hidden":
		return imageSetBool(&im.Hidden, val)
	case "min_disk":
		return imageSetCount(&im.MinDisk, key, val)
	case "min_ram":
		return imageSetCount(&im.MinRAM, key, val)
	case "container_format", "disk_format":
		return imageSetFormat(im, key, val)
	case "tags":
		return imageSetTags(im, val)
	case "owner":
		if s, ok := val.(string); !ok || s != projectID {
			return imageErr(http.StatusForbidden, "You are not permitted to modify 'owner' on this image.")
		}
		return nil
	case "id":
		return imageErr(http.StatusForbidden, "Attribute 'id' is read-only.")
	}
	s, ok := val.(string)
	if !ok {
		return imageSchemaErr("%s is not of type 'string'", imageReprJSON(val))
	}
	if im.Properties == nil {
		im.Properties = map[string]string{}
	}
	im.Properties[key] = s
	return nil
}

func imageSetNullable(dst **string, key string, val any, enum []string) *imageError {
	if val == nil {
		*dst = nil
		return nil
	}
	s, ok := val.(string)
	if !ok {
		return imageSchemaErr("%s is not of type 'null', 'string'", imageReprJSON(val))
	}
	if enum != nil && !slices.Contains(enum, s) {
		return imageSchemaErr("'%s' is not one of [None, '%s']", s, strings.Join(enum, "', '"))
	}
	if enum == nil && len(s) > 255 {
		return imageSchemaErr("'%s' is too long", s)
	}
	*dst = &s
	return nil
}

func imageSetVisibility(im *image, val any) *imageError {
	s, ok := val.(string)
	if !ok || !slices.Contains(imageVisibilities, s) {
		return imageSchemaErr("%s is not one of ['community', 'public', 'private', 'shared']", imageReprJSON(val))
	}
	if s == "public" && im.Visibility != "public" {
		return imageErr(http.StatusForbidden, "You are not authorized to complete publicize_image action.")
	}
	im.Visibility = s
	return nil
}

func imageSetBool(dst *bool, val any) *imageError {
	b, ok := val.(bool)
	if !ok {
		return imageSchemaErr("%s is not of type 'boolean'", imageReprJSON(val))
	}
	*dst = b
	return nil
}

func imageSetCount(dst *int, key string, val any) *imageError {
	f, ok := val.(float64)
	if !ok || f != float64(int64(f)) {
		return imageSchemaErr("%s is not of type 'integer'", imageReprJSON(val))
	}
	if f < 0 {
		return imageErr(http.StatusBadRequest, "Cannot set %s to a negative value.", key)
	}
	*dst = int(f)
	return nil
}

func imageSetFormat(im *image, key string, val any) *imageError {
	dst, enum := &im.DiskFormat, imageDiskFormats
	if key == "container_format" {
		dst, enum = &im.ContainerFormat, imageContainerFormats
	}
	if im.Status != imageQueued {
		return imageErr(http.StatusForbidden, "Attribute %s can be only replaced for a queued image.", key)
	}
	return imageSetNullable(dst, key, val, enum)
}

func imageSetTags(im *image, val any) *imageError {
	list, ok := val.([]any)
	if !ok {
		return imageSchemaErr("%s is not of type 'array'", imageReprJSON(val))
	}
	tags := []string{}
	for _, t := range list {
		s, ok := t.(string)
		if !ok {
			return imageSchemaErr("%s is not of type 'string'", imageReprJSON(t))
		}
		if len(s) > 255 {
			return imageSchemaErr("'%s' is too long", s)
		}
		if !slices.Contains(tags, s) {
			tags = append(tags, s)
		}
	}
	im.Tags = tags
	return nil
}

// imageReprJSON prints a JSON value the way Python's repr shows it in
// Glance's schema errors.
func imageReprJSON(v any) string {
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

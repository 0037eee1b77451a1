// Package scs encodes the Sovereign Cloud Stack standards that matter for
// moving a tenant between SCS clouds, as pure functions and data:
//
//   - scs-0100 flavor names: ParseFlavorName, FlavorName, CheckFlavor
//   - scs-0103 standard flavors: StandardFlavors, LookupStandardFlavor
//   - scs-0104 standard images: StandardImages, MatchStandardImage
//   - scs-0102 image metadata: CheckImageMetadata, ImageRecency
//   - scs-0114 volume type aspects: ParseVolumeTypeAspects, FormatAspects
//   - scs-0123 mandatory services: MissingMandatoryServices
//   - cluster stacks: ParseClusterClassName, FlavorVariablesOf
//
// The rules follow the certification tests in SovereignCloudStack/standards
// (Tests/iaas/...), including their quirks, which are noted where they
// differ from the standards' prose. Nothing here does I/O.
package scs

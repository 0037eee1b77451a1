// Package browsertest opens what scs-migrate writes for people in a real
// browser: the HTML audit report (plans/testdata/audit-*.html, the golden
// files the plans tests keep equal to what the code renders) in Debian's
// chromium, headless, driven from Go with chromedp. It has tests only; they
// live apart from plans so that the plans tests stay fast and chromedp stays
// out of their binary.
package browsertest

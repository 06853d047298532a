"""What UNIMARC and MARC21 share (see docs/architecture.md): `Field`, ISO 2709, charsets and
codecs, the two-way field families and the two maps."""

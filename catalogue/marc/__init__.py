"""What UNIMARC and MARC21 share: the two-way field families (see docs/architecture.md)."""

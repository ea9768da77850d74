"""Letterbox codes: `/codes`, the printable slips with their QR codes, the `c-<code>` deep link
and codes typed where everyone can read them."""

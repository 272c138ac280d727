"""The jixiao command line (an edge: it calls flows; the core never imports it)."""

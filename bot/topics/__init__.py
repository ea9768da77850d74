"""Topics: propose and gather support (提议, 商议)."""

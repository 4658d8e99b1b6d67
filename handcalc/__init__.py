"""handcalc: reproduce neural-network tutorials' worked examples exactly and judge every number they state."""

__version__ = "0.1.0"

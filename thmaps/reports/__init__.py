"""Reports: map packs (many print-ready maps, a contents page and one combined PDF)."""
from .mappack import PackPlan, load_spec, plan, run_pack

__all__ = ["PackPlan", "load_spec", "plan", "run_pack"]

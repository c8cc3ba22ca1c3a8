import pytest
from django.conf import settings

from plans.seed import model_plan_load


@pytest.fixture
def toolkit(db):
    """The model plan as `load_seed_data` loads it (without the cities, which these tests skip)."""
    model_plan_load(path=settings.BASE_DIR / "fixtures" / "model_plan.yaml")

from recommendation_service.config import get_settings
from recommendation_service.models import Base
from service_kit.migrations import run_env

run_env(Base.metadata, get_settings())

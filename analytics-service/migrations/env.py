from analytics_service.config import get_settings
from analytics_service.models import Base
from service_kit.migrations import run_env

run_env(Base.metadata, get_settings())

from auth_service.config import get_settings
from auth_service.models import Base
from service_kit.migrations import run_env

run_env(Base.metadata, get_settings())

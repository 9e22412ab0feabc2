"""The guard that fails any unscoped statement on a tenant table must itself be right."""

import pytest
from sqlalchemy import delete, func, select, update

from app.models import Device, DeviceParameter, Factory, User
from app.repositories.base import TenantRepository
from pytest_factoryops.tenancy_guard import statement_violations


def test_scoped_select_passes():
    stmt = select(Device).where(Device.factory_id == 1, Device.id == 5)
    assert statement_violations(stmt) == []


def test_unscoped_select_is_caught():
    assert statement_violations(select(Device).where(Device.id == 5))


def test_factory_id_in_list_counts_as_scoped():
    assert statement_violations(select(Device).where(Device.factory_id.in_([1, 2]))) == []


def test_join_needs_each_tenant_table_scoped():
    joined = select(DeviceParameter).join(Device, Device.id == DeviceParameter.device_id)
    assert statement_violations(joined.where(Device.factory_id == 1))
    both = joined.where(Device.factory_id == 1, DeviceParameter.factory_id == 1)
    assert statement_violations(both) == []


def test_subquery_is_checked():
    inner = select(Device.id).where(Device.name == "x").scalar_subquery()
    outer = select(User).where(User.factory_id == 1, User.id == inner)
    assert statement_violations(outer)


def test_count_over_scoped_subquery_passes():
    inner = select(Device).where(Device.factory_id == 3).subquery()
    assert statement_violations(select(func.count()).select_from(inner)) == []


def test_update_and_delete_are_checked():
    assert statement_violations(update(Device).where(Device.id == 1).values(name="n"))
    assert statement_violations(delete(Device).where(Device.id == 1))
    assert statement_violations(
        update(Device).where(Device.factory_id == 1, Device.id == 1).values(name="n")) == []


def test_factories_table_is_not_a_tenant_table():
    assert statement_violations(select(Factory).where(Factory.slug == "x")) == []


def test_repository_refuses_to_exist_without_a_factory():
    class Devices(TenantRepository[Device]):
        model = Device

    for bad in (None, 0, -1, "1", True):
        with pytest.raises(ValueError):
            Devices(session=None, factory_id=bad)  # type: ignore[arg-type]
    repo = Devices(session=None, factory_id=4)  # type: ignore[arg-type]
    assert statement_violations(repo.select().where(Device.id == 9)) == []
    assert statement_violations(repo.update().values(name="x")) == []
    assert statement_violations(repo.delete_stmt()) == []

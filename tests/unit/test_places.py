"""Locating a point in the regency boundaries (SPEC §12), the compact file, distances."""

from __future__ import annotations

import math

import pytest

from chalicelib.domain import places
from chalicelib.domain.reference import regions
from devtools import build_places

# The city centre of every provincial capital (the governor's office, the main square or the
# town hall), with the regency/city that holds it.
CAPITALS = [
    ("11", "Banda Aceh", 5.5483, 95.3238, "11.71"),
    ("12", "Medan", 3.5952, 98.6722, "12.71"),
    ("13", "Padang", -0.9471, 100.4172, "13.71"),
    ("14", "Pekanbaru", 0.5071, 101.4478, "14.71"),
    ("15", "Jambi", -1.6101, 103.6131, "15.71"),
    ("16", "Palembang", -2.9761, 104.7754, "16.71"),
    ("17", "Bengkulu", -3.7956, 102.2592, "17.71"),
    ("18", "Bandar Lampung", -5.4292, 105.2610, "18.71"),
    ("19", "Pangkalpinang", -2.1291, 106.1138, "19.71"),
    ("21", "Tanjung Pinang", 0.9186, 104.4465, "21.72"),
    ("31", "Jakarta (Monas)", -6.1754, 106.8272, "31.71"),
    ("32", "Bandung (Gedung Sate)", -6.9025, 107.6188, "32.73"),
    ("33", "Semarang (Simpang Lima)", -6.9903, 110.4229, "33.74"),
    ("34", "Yogyakarta (Tugu)", -7.7829, 110.3671, "34.71"),
    ("35", "Surabaya (Tugu Pahlawan)", -7.2458, 112.7378, "35.78"),
    ("36", "Serang (Alun-alun)", -6.1194, 106.1528, "36.73"),
    ("51", "Denpasar (Puputan)", -8.6569, 115.2165, "51.71"),
    ("52", "Mataram", -8.5833, 116.1167, "52.71"),
    ("53", "Kupang (Balai Kota)", -10.1722, 123.6256, "53.71"),
    ("61", "Pontianak", -0.0263, 109.3425, "61.71"),
    ("62", "Palangka Raya", -2.2096, 113.9139, "62.71"),
    ("63", "Banjarbaru", -3.4417, 114.8300, "63.72"),
    ("64", "Samarinda", -0.5022, 117.1536, "64.72"),
    ("65", "Tanjung Selor", 2.8375, 117.3653, "65.01"),
    ("71", "Manado", 1.4748, 124.8421, "71.71"),
    ("72", "Palu", -0.8917, 119.8707, "72.71"),
    ("73", "Makassar (Pantai Losari)", -5.1436, 119.4075, "73.71"),
    ("74", "Kendari", -3.9778, 122.5150, "74.71"),
    ("75", "Gorontalo", 0.5435, 123.0568, "75.71"),
    ("76", "Mamuju", -2.6748, 118.8885, "76.02"),
    ("81", "Ambon", -3.6954, 128.1814, "81.71"),
    ("82", "Sofifi", 0.7370, 127.5580, "82.72"),
    ("91", "Jayapura", -2.5337, 140.7181, "91.71"),
    ("92", "Manokwari", -0.8615, 134.0620, "92.02"),
    ("93", "Merauke", -8.4932, 140.4018, "93.01"),
    ("94", "Nabire", -3.3667, 135.4833, "94.01"),
    ("95", "Wamena", -4.0959, 138.9450, "95.01"),
    ("96", "Sorong", -0.8762, 131.2558, "96.71"),
]


def test_the_table_covers_every_province():
    assert {row[0] for row in CAPITALS} == set(regions().provinces)


@pytest.mark.parametrize(("province", "city", "lat", "lon", "regency"), CAPITALS,
                         ids=[row[1] for row in CAPITALS])
def test_a_provincial_capital_lands_in_its_province(province, city, lat, lon, regency):
    # Given the city centre of a provincial capital; When it is located
    place = places.locate(lat, lon)
    # Then it lies in its own province, in the regency/city we know holds it
    assert place is not None, city
    assert place.province_code == province
    assert place.regency_code == regency
    assert place.name == regions().regencies[regency].name


@pytest.mark.parametrize(("lat", "lon", "where"), [
    (-5.5, 110.0, "the Java Sea"),
    (-9.8, 105.0, "the Indian Ocean south of Java"),
    (-3.0, 125.2, "the Banda Sea"),
    (3.1390, 101.6869, "Kuala Lumpur"),
    (1.2903, 103.8519, "Singapore"),
    (-8.5569, 125.5603, "Dili, Timor-Leste"),
    (1.5533, 110.3592, "Kuching, Malaysia"),
    (-9.4438, 147.1803, "Port Moresby"),
    (-12.4634, 130.8456, "Darwin"),
])
def test_the_sea_and_abroad_are_in_no_regency(lat, lon, where):
    assert places.locate(lat, lon) is None, where


def test_a_city_inside_its_regency_is_the_city():
    # Kota Blitar lies inside Kabupaten Blitar; the city wins.
    place = places.locate(-8.0983, 112.1681)
    assert place is not None and place.regency_code == "35.72"


def test_every_regency_of_the_csv_has_a_boundary_and_the_same_codes():
    codes = {r.code for r in places.boundaries().regencies}
    assert codes == set(regions().regencies)


def test_the_shipped_compact_files_come_from_the_shipped_geojson():
    assert build_places.main(["--check"]) == 0


def test_distance_is_great_circle_metres():
    # One degree of latitude is about 111.2 km; Monas to Bundaran HI is about 2.3 km.
    assert places.distance_m(0, 110, 1, 110) == pytest.approx(111_195, rel=1e-3)
    assert places.distance_m(-6.1754, 106.8272, -6.1950, 106.8230) == pytest.approx(2_220, rel=0.05)


def test_geohash_matches_the_published_examples():
    # Known values (geohash.org): Jakarta's Monas and a textbook example near Jutland
    assert places.geohash(57.64911, 10.40744, 11) == "u4pruydqqvj"
    assert places.geohash(-6.1754, 106.8272, 5) == "qqguy"


@pytest.mark.parametrize(("lat", "lon"), [(-6.1754, 106.8272), (0.0001, 109.3), (-10.17, 123.6),
                                          (-2.5337, 140.7181), (5.5483, 95.3238)])
def test_the_cells_around_a_point_cover_every_point_within_1_km(lat, lon):
    cells = set(places.cells_around(lat, lon))
    assert 1 <= len(cells) <= 4
    # Every point on (and inside) the 1 km circle falls in one of the cells
    for step in range(72):
        for fraction in (0.5, 0.999):
            bearing = math.radians(step * 5)
            d = fraction * 1000 / places.EARTH_RADIUS_M
            la = math.degrees(math.asin(math.sin(math.radians(lat)) * math.cos(d)
                                        + math.cos(math.radians(lat)) * math.sin(d) * math.cos(bearing)))
            lo = lon + math.degrees(math.atan2(math.sin(bearing) * math.sin(d) * math.cos(math.radians(lat)),
                                               math.cos(d) - math.sin(math.radians(lat)) * math.sin(math.radians(la))))
            assert places.distance_m(lat, lon, la, lo) <= 1000
            assert places.geohash(la, lo) in cells

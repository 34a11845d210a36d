package io.libra.results;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Every spelling Spark accepts for a session time zone becomes one Arrow (and pyarrow) accepts. */
class ArrowTimeZoneTest {
  @Test
  void zeroOffsetsAreUtc() {
    for (String z : new String[] {"Z", "UTC", "GMT", "+00:00", "Etc/UTC", "UTC+0", "GMT0", "-00:00"}) {
      assertEquals("UTC", ArrowTimeZone.of(z), z);
    }
  }

  @Test
  void fixedOffsetsAreSignedHoursAndMinutes() {
    assertEquals("+08:00", ArrowTimeZone.of("GMT+08:00"));
    assertEquals("+08:00", ArrowTimeZone.of("UTC+8"));
    assertEquals("+08:00", ArrowTimeZone.of("+08:00"));
    assertEquals("+08:00", ArrowTimeZone.of("Etc/GMT-8"));
    assertEquals("-05:30", ArrowTimeZone.of("-05:30"));
  }

  @Test
  void regionsKeepTheirIanaName() {
    assertEquals("America/Los_Angeles", ArrowTimeZone.of("America/Los_Angeles"));
    assertEquals("Asia/Tokyo", ArrowTimeZone.of("Asia/Tokyo"));
  }
}

package io.libra.results;

import java.time.ZoneId;
import java.time.ZoneOffset;
import org.apache.spark.sql.catalyst.util.DateTimeUtils;

/**
 * The time zone written into Arrow timestamp types: the Arrow format (Schema.fbs, {@code Timestamp
 * .timezone}) allows an IANA zone name or an absolute offset {@code ±HH:MM}, and pyarrow, pandas
 * and polars reject anything else. Spark's session time zone ({@code spark.sql.session.timeZone},
 * {@code SET TIME ZONE}) accepts more spellings, so each is mapped to what it means: zero offsets
 * ({@code Z}, {@code UTC}, {@code GMT}, {@code +00:00}, {@code Etc/UTC}, {@code UTC+0}) to
 * {@code UTC}, other fixed offsets ({@code GMT+08:00}, {@code UTC+8}, {@code +8}, {@code Etc/GMT-8})
 * to {@code ±HH:MM}, region zones to their IANA id. The instant stored is unchanged (Arrow
 * timestamps with a zone hold UTC epoch values).
 */
public final class ArrowTimeZone {
  private ArrowTimeZone() {}

  /**
   * @param sparkZone a zone as Spark accepts it ({@code DateTimeUtils.getZoneId})
   * @return {@code UTC}, {@code ±HH:MM} (or {@code ±HH:MM:SS} for a zone with seconds) or a region id
   */
  public static String of(String sparkZone) {
    ZoneId zone = DateTimeUtils.getZoneId(sparkZone);
    ZoneId normalized = zone.normalized();
    if (normalized instanceof ZoneOffset offset) {
      return offset.getTotalSeconds() == 0 ? "UTC" : offset.getId();
    }
    return zone.getId();
  }
}

package io.libra.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.libra.config.LibraConfig;
import io.libra.flight.LibraServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.CallOptions;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.impl.Flight;
import org.apache.arrow.flight.impl.FlightServiceGrpc;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/**
 * A DoPut call that never sends its first message cannot hold a server thread: with two server
 * threads, two such uploads end with TIMED_OUT (gRPC DEADLINE_EXCEEDED) after
 * {@code libra.server.put-first-message-timeout-seconds} and a query sent meanwhile still runs.
 */
class IdleUploadTest {
  @Test
  void idleUploadsTimeOutAndFreeTheirThreads() throws Exception {
    Path dir = Files.createTempDirectory("libra-idle-put-");
    LibraConfig config = LibraConfig.load(dir, dir, Map.of(), Map.of("libra.server.port", "0",
        "libra.work-dir", dir.toString(), "libra.server.executor-threads", "2",
        "libra.server.put-first-message-timeout-seconds", "1"));
    try (LibraServer server = LibraServer.start(config, TestGateway.get().spark);
        RootAllocator allocator = new RootAllocator()) {
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
          .usePlaintext().build();
      try {
        List<CompletableFuture<Status>> ends = new ArrayList<>();
        List<StreamObserver<Flight.FlightData>> uploads = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          CompletableFuture<Status> end = new CompletableFuture<>();
          ends.add(end);
          // Opens DoPut and sends nothing.
          uploads.add(FlightServiceGrpc.newStub(channel).doPut(
              new StreamObserver<Flight.PutResult>() {
                @Override
                public void onNext(Flight.PutResult value) {}

                @Override
                public void onError(Throwable t) {
                  end.complete(Status.fromThrowable(t));
                }

                @Override
                public void onCompleted() {
                  end.complete(Status.OK);
                }
              }));
        }
        try (FlightSqlClient sql = new FlightSqlClient(FlightClient.builder(allocator,
            Location.forGrpcInsecure("127.0.0.1", server.port())).build())) {
          // Both server threads wait for an upload now; the query needs one of them back.
          CallOption deadline = CallOptions.timeout(30, TimeUnit.SECONDS);
          FlightInfo info = sql.execute("SELECT 42 AS v", deadline);
          try (FlightStream s = sql.getStream(info.getEndpoints().get(0).getTicket(), deadline)) {
            assertTrue(s.next());
            assertEquals(42, ((org.apache.arrow.vector.IntVector) s.getRoot().getVector(0)).get(0));
          }
        }
        for (CompletableFuture<Status> end : ends) {
          Status status = end.get(30, TimeUnit.SECONDS);
          assertEquals(Status.Code.DEADLINE_EXCEEDED, status.getCode(), status.toString());
          assertTrue(status.getDescription().contains("no DoPut message within 1 s"),
              status.getDescription());
        }
        uploads.forEach(StreamObserver::onCompleted);
      } finally {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
    }
  }
}

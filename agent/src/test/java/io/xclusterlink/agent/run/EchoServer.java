package io.xclusterlink.agent.run;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A workload's echo service for the ITs, on one thread inside the workload's namespace: UDP {@link
 * #UDP} and TCP {@link #TCP}, everything sent back as it came. Records the peers' addresses, so a
 * test can see what source address a packet arrived with (the global one under translation).
 */
final class EchoServer implements AutoCloseable {
  static final int UDP = 5001;
  static final int TCP = 5002;

  final Set<String> peers = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;
  private final CountDownLatch ready = new CountDownLatch(1);
  private final CompletableFuture<Void> done;

  private EchoServer(String ns) throws InterruptedException {
    done = Namespaces.start(ns, "echo-" + ns, this::serve);
    ready.await(10, TimeUnit.SECONDS);
  }

  static EchoServer start(String ns) throws InterruptedException {
    return new EchoServer(ns);
  }

  private void serve() throws IOException {
    try (Selector sel = Selector.open();
        DatagramChannel udp = DatagramChannel.open();
        ServerSocketChannel tcp = ServerSocketChannel.open()) {
      // 30 flows x 100 echoes/s: the default 208 KB buffer holds ~90 ms of them, so a stall of
      // this thread on a loaded host would drop echoes and pass for network loss
      udp.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4 << 20);
      udp.bind(new InetSocketAddress(UDP))
          .configureBlocking(false)
          .register(sel, SelectionKey.OP_READ);
      tcp.bind(new InetSocketAddress(TCP), 256).configureBlocking(false);
      tcp.register(sel, SelectionKey.OP_ACCEPT);
      ready.countDown();
      ByteBuffer buf = ByteBuffer.allocate(2048);
      while (!closed) {
        sel.select(50);
        for (SelectionKey k : sel.selectedKeys()) {
          if (!k.isValid()) {
            continue;
          }
          if (k.channel() == udp) {
            SocketAddress from;
            while ((from = udp.receive(buf.clear())) != null) {
              peers.add(((InetSocketAddress) from).getAddress().getHostAddress());
              udp.send(buf.flip(), from);
            }
          } else if (k.isAcceptable()) {
            SocketChannel c;
            while ((c = tcp.accept()) != null) {
              peers.add(((InetSocketAddress) c.getRemoteAddress()).getAddress().getHostAddress());
              c.configureBlocking(false).register(sel, SelectionKey.OP_READ);
            }
          } else if (k.isReadable()) {
            SocketChannel c = (SocketChannel) k.channel();
            int n;
            try {
              n = c.read(buf.clear());
            } catch (IOException e) {
              n = -1;
            }
            if (n >= 0) {
              buf.flip();
              try {
                // small echoes into an empty send buffer: written whole
                while (buf.hasRemaining() && c.write(buf) > 0) {}
              } catch (IOException e) {
                n = -1; // the client reset the connection after sending (it stopped its load)
              }
            }
            if (n < 0) {
              k.cancel();
              c.close();
            }
          }
        }
        sel.selectedKeys().clear();
      }
      for (SelectionKey k : sel.keys()) {
        k.channel().close();
      }
    }
  }

  @Override
  public void close() throws Exception {
    closed = true;
    done.get(5, TimeUnit.SECONDS);
  }
}

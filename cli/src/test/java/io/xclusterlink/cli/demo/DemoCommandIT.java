package io.xclusterlink.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.xclusterlink.cli.XclMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** The whole tour with three real gateway processes on 127.0.0.1, as a user runs it. */
class DemoCommandIT {
  private static final Pattern ANSWER = Pattern.compile("connection \\d+ -> hello from (p\\d)");

  @Test
  @Timeout(value = 100, unit = TimeUnit.SECONDS)
  void showsRoundRobinThenTheDenyPolicyThenTheFailover() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new XclMain());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));

    int code = cl.execute("demo", "--no-wait");

    String text = out.toString();
    assertThat(code).as("exit code; stderr: %s%nstdout:%n%s", err, text).isZero();
    assertThat(answeredBy(between(text, "Step 1 of 3", "Step 2 of 3")))
        .as("step 1 answers in:%n%s", text)
        .containsExactly("p1", "p2", "p3");
    assertThat(answeredBy(between(text, "Step 2 of 3", "Step 3 of 3")))
        .as("step 2 answers in:%n%s", text)
        .containsExactly("p1", "p2");
    assertThat(answeredBy(between(text, "Step 3 of 3", "Summary")))
        .as("step 3 answers in:%n%s", text)
        .containsExactly("p1");
    assertThat(text).contains("Every step behaved as expected");
    assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive))
        .as("gateway processes left behind")
        .isEmpty();
  }

  private static String between(String text, String from, String to) {
    int start = text.indexOf(from);
    int end = text.indexOf(to, start);
    assertThat(start).as("'%s' in the output", from).isNotNegative();
    assertThat(end).as("'%s' in the output", to).isNotNegative();
    return text.substring(start, end);
  }

  private static Set<String> answeredBy(String section) {
    Set<String> peers = new TreeSet<>();
    Matcher m = ANSWER.matcher(section);
    while (m.find()) {
      peers.add(m.group(1));
    }
    return peers;
  }
}

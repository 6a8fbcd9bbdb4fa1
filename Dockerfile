# The xcl image: `docker build -t xclusterlink/xcl:0.1.0 .` at the repository root.
# Stage 1 builds the CLI (xcl.jar + lib/) with Maven on JDK 17; stage 2 runs it on a JRE 17 as a
# non-root user (10001, the uid deploy/deployment.yaml runs as). The entrypoint is the `xcl`
# command, so a container's args are xcl's: `gateway start --store kubernetes ...`.
# Not built in this project's CI (no container engine there): CI checks the manifests instead
# (deploy/check.sh).

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# dependencies first, so that a source change does not download them again
COPY pom.xml ./
COPY api/pom.xml api/
COPY pki/pom.xml pki/
COPY policy/pom.xml policy/
COPY store/pom.xml store/
COPY admin/pom.xml admin/
COPY gateway/pom.xml gateway/
COPY agent/pom.xml agent/
COPY kube/pom.xml kube/
COPY cli/pom.xml cli/
COPY bench/jmh/pom.xml bench/jmh/
RUN mvn -B -ntp -q -pl cli -am dependency:go-offline -DexcludeReactor=true || true
COPY . .
# kube's build reads deploy/ (the manifests `xcl deploy peer` prints)
RUN mvn -B -ntp -q -pl cli -am -DskipTests package

FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 xcl \
 && useradd --system --uid 10001 --gid xcl --home-dir /var/lib/xcl --shell /usr/sbin/nologin xcl \
 && mkdir -p /var/lib/xcl && chown xcl:xcl /var/lib/xcl
COPY --from=build /src/cli/target/xcl.jar /opt/xcl/xcl.jar
COPY --from=build /src/cli/target/lib/ /opt/xcl/lib/
USER 10001:10001
WORKDIR /var/lib/xcl
# the gateway port (mutual TLS) and the health listener of deploy/deployment.yaml
EXPOSE 8443 8081
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/xcl/xcl.jar"]
CMD ["--help"]

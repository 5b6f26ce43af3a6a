# Snodo's server image: `docker compose up` runs it next to Neo4j (see docker-compose.yml).

# The web app: typed operations from the schema, then the Vite build into web/dist.
FROM node:20 AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY schema.graphqls /src/
COPY schema /src/schema
COPY web ./
RUN npm run build

FROM golang:1.26 AS build
WORKDIR /src
# Dependencies first, so editing the code does not download them again.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=web /src/web/dist ./web/dist
# A static binary (the Neo4j driver is pure Go), with the time-zone database built in for
# model.Today's Europe/Rome.
RUN CGO_ENABLED=0 go build -trimpath -tags timetzdata -ldflags="-s -w" -o /snodo .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /snodo /snodo
EXPOSE 8080
ENTRYPOINT ["/snodo"]
# Serving needs the identity provider's keys (SNODO_JWKS_URL, SNODO_JWKS_FILE or
# SNODO_JWT_PUBLIC_KEY); without one it refuses to start. docker-compose.yml runs it with --dev.
CMD ["serve"]

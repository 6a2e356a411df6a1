{{/* Name prefix of every object of this release. */}}
{{- define "kubedyn.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "kubedyn.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/part-of: kubedyn
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* For objects without a selector of their own (RBAC). */}}
{{- define "kubedyn.instanceLabels" -}}
{{ include "kubedyn.labels" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "kubedyn.operator.selector" -}}
app.kubernetes.io/name: kubedyn-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "kubedyn.gateway.selector" -}}
app.kubernetes.io/name: kubedyn-gateway
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "kubedyn.image" -}}
{{- $tag := .image.tag | default .chart.AppVersion -}}
{{- printf "%s:%s" .image.repository $tag -}}
{{- end -}}

{{/* URL the gateway Service answers on, published in every Table's status.endpoint. */}}
{{- define "kubedyn.gateway.endpoint" -}}
{{- printf "%s://%s-gateway.%s.svc:%v" (ternary "https" "http" (not (empty .Values.gateway.tls.secretName))) (include "kubedyn.fullname" .) .Release.Namespace .Values.gateway.service.port -}}
{{- end -}}

{{/* The namespace whose Tables the gateway serves: gateway.tableNamespace, else the release's. */}}
{{- define "kubedyn.gateway.tableNamespace" -}}
{{- default .Release.Namespace .Values.gateway.tableNamespace -}}
{{- end -}}

{{/* The Secret holding the gateway's access keys (access-keys.properties). */}}
{{- define "kubedyn.gateway.accessKeysSecret" -}}
{{- .Values.gateway.auth.existingSecret | default (printf "%s-gateway-access-keys" (include "kubedyn.fullname" .)) -}}
{{- end }}

{{/* A NetworkPolicy peer: the pods of a namespace (by its name label), optionally by labels. */}}
{{- define "kubedyn.namespacePeer" -}}
{{- $peer := dict "namespaceSelector" (dict "matchLabels" (dict "kubernetes.io/metadata.name" .namespace)) -}}
{{- if .labels -}}
{{- $_ := set $peer "podSelector" (dict "matchLabels" (.labels | fromYaml)) -}}
{{- end -}}
{{- $peer | toJson -}}
{{- end -}}

{{/* The metrics scrapers' peers (networkPolicy.metricsNamespaces), as a JSON list. */}}
{{- define "kubedyn.metricsPeers" -}}
{{- $peers := list -}}
{{- range .Values.networkPolicy.metricsNamespaces -}}
{{- $peers = append $peers (include "kubedyn.namespacePeer" (dict "namespace" .) | fromJson) -}}
{{- end -}}
{{- $peers | toJson -}}
{{- end -}}

{{/*
Who may reach the storage pods (the operator's KUBEDYN_OPERATOR_STORAGE_INGRESS): gRPC from the
gateway, HTTP from the operator and the metrics scrapers.
*/}}
{{- define "kubedyn.storageIngress" -}}
{{- $gateway := include "kubedyn.namespacePeer" (dict "namespace" .Release.Namespace "labels" (include "kubedyn.gateway.selector" .)) | fromJson -}}
{{- $operator := include "kubedyn.namespacePeer" (dict "namespace" .Release.Namespace "labels" (include "kubedyn.operator.selector" .)) | fromJson -}}
{{- $http := prepend (include "kubedyn.metricsPeers" . | fromJsonArray) $operator -}}
{{- dict "grpc" (list $gateway) "http" $http | toJson -}}
{{- end -}}

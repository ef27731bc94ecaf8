/// The OpenAPI 3.1 document served at `/openapi.json`. Registry/openapi.json is the same text
/// (checked by `OpenAPIDocumentTests`; regenerate the file with `ASSAY_UPDATE_OPENAPI=1 swift test --filter OpenAPIDocumentTests`).
public enum OpenAPIDocument {
    public static let json = #"""
{
  "components": {
    "schemas": {
      "AliasMove": {
        "properties": {
          "action": {
            "enum": [
              "set",
              "rollback"
            ],
            "type": "string"
          },
          "model": {
            "type": "string"
          },
          "name": {
            "type": "string"
          },
          "previous": {
            "type": [
              "string",
              "null"
            ]
          },
          "target": {
            "type": "string"
          }
        },
        "type": "object"
      },
      "ApprovalDecision": {
        "properties": {
          "action": {
            "enum": [
              "evaluate",
              "submit",
              "approve",
              "reject",
              "deprecate",
              "revoke"
            ],
            "type": "string"
          },
          "actor": {
            "type": "string"
          },
          "created_at": {
            "type": "string"
          },
          "evaluation_run_ids": {
            "items": {
              "type": "string"
            },
            "type": "array"
          },
          "from_state": {
            "type": "string"
          },
          "id": {
            "type": "integer"
          },
          "model_digest": {
            "type": "string"
          },
          "policy_digest": {
            "type": "string"
          },
          "policy_version": {
            "type": "integer"
          },
          "reason": {
            "type": [
              "string",
              "null"
            ]
          },
          "review_round": {
            "type": "integer"
          },
          "tier": {
            "type": "string"
          },
          "to_state": {
            "type": "string"
          }
        },
        "type": "object"
      },
      "ApprovalOutcome": {
        "properties": {
          "decision": {
            "$ref": "#/components/schemas/ApprovalDecision"
          },
          "flagged": {
            "description": "Descendants flagged for review (revocations)",
            "items": {
              "type": "string"
            },
            "type": "array"
          },
          "quorum": {
            "type": [
              "integer",
              "null"
            ]
          },
          "reference": {
            "type": "string"
          },
          "state": {
            "description": "State after the action",
            "type": "string"
          },
          "votes": {
            "type": [
              "integer",
              "null"
            ]
          }
        },
        "type": "object"
      },
      "AuditCheckpoint": {
        "properties": {
          "format": {
            "const": "assay-audit-checkpoint-v1",
            "type": "string"
          },
          "key_id": {
            "type": "string"
          },
          "public_key": {
            "pattern": "^[0-9a-f]{64}$",
            "type": "string"
          },
          "root_hash": {
            "pattern": "^[0-9a-f]{64}$",
            "type": "string"
          },
          "signature": {
            "pattern": "^[0-9a-f]{128}$",
            "type": "string"
          },
          "timestamp": {
            "type": "string"
          },
          "tree_size": {
            "minimum": 0,
            "type": "integer"
          }
        },
        "required": [
          "format",
          "tree_size",
          "root_hash",
          "timestamp",
          "public_key",
          "key_id",
          "signature"
        ],
        "type": "object"
      },
      "AuditCheckpointCheck": {
        "properties": {
          "chain": {
            "type": "object"
          },
          "detail": {
            "type": "string"
          },
          "status": {
            "enum": [
              "consistent",
              "bad_signature",
              "truncated",
              "rewritten"
            ],
            "type": "string"
          },
          "timestamp": {
            "type": "string"
          },
          "tree_size": {
            "type": "integer"
          }
        },
        "required": [
          "tree_size",
          "timestamp",
          "status",
          "detail",
          "chain"
        ],
        "type": "object"
      },
      "AuditCheckpointVerification": {
        "properties": {
          "checkpoint": {
            "$ref": "#/components/schemas/AuditCheckpoint"
          },
          "public_key": {
            "pattern": "^[0-9a-f]{64}$",
            "type": "string"
          }
        },
        "required": [
          "checkpoint",
          "public_key"
        ],
        "type": "object"
      },
      "AuditConsistencyProof": {
        "properties": {
          "first": {
            "minimum": 0,
            "type": "integer"
          },
          "first_root": {
            "pattern": "^[0-9a-f]{64}$",
            "type": "string"
          },
          "proof": {
            "items": {
              "pattern": "^[0-9a-f]{64}$",
              "type": "string"
            },
            "type": "array"
          },
          "second": {
            "minimum": 0,
            "type": "integer"
          },
          "second_root": {
            "pattern": "^[0-9a-f]{64}$",
            "type": "string"
          }
        },
        "required": [
          "first",
          "second",
          "first_root",
          "second_root",
          "proof"
        ],
        "type": "object"
      },
      "AuditInclusionProof": {
        "properties": {
          "event": {
            "type": "object"
          },
          "leaf_hash": {
            "pattern": "^[0-9a-f]{64}$",
            "type": "string"
          },
          "proof": {
            "items": {
              "pattern": "^[0-9a-f]{64}$",
              "type": "string"
            },
            "type": "array"
          },
          "root_hash": {
            "pattern": "^[0-9a-f]{64}$",
            "type": "string"
          },
          "seq": {
            "minimum": 1,
            "type": "integer"
          },
          "tree_size": {
            "minimum": 1,
            "type": "integer"
          }
        },
        "required": [
          "seq",
          "tree_size",
          "leaf_hash",
          "root_hash",
          "proof",
          "event"
        ],
        "type": "object"
      },
      "AuditTreeHead": {
        "properties": {
          "root_hash": {
            "pattern": "^[0-9a-f]{64}$",
            "type": "string"
          },
          "tree_size": {
            "minimum": 0,
            "type": "integer"
          }
        },
        "required": [
          "tree_size",
          "root_hash"
        ],
        "type": "object"
      },
      "DatasetRegistration": {
        "additionalProperties": false,
        "properties": {
          "collection_process": {
            "type": "string"
          },
          "contains_pii": {
            "type": "boolean"
          },
          "description": {
            "type": "string"
          },
          "files": {
            "items": {
              "type": "string"
            },
            "type": "array"
          },
          "known_limitations": {
            "type": "string"
          },
          "license": {
            "type": "string"
          },
          "source": {
            "type": "string"
          },
          "version": {
            "type": "string"
          }
        },
        "required": [
          "version",
          "files",
          "license",
          "contains_pii"
        ],
        "type": "object"
      },
      "DatasetSummary": {
        "properties": {
          "created_at": {
            "type": "string"
          },
          "created_by": {
            "type": "string"
          },
          "latest_version": {
            "type": [
              "string",
              "null"
            ]
          },
          "name": {
            "type": "string"
          },
          "version_count": {
            "type": "integer"
          }
        },
        "type": "object"
      },
      "LineageLink": {
        "additionalProperties": false,
        "properties": {
          "parameters": {
            "type": "object"
          },
          "parent": {
            "description": "NAME@VERSION",
            "type": "string"
          },
          "relation": {
            "enum": [
              "finetuned_from",
              "quantized_from",
              "merged_from",
              "adapter_of",
              "distilled_from",
              "trained_on",
              "evaluated_on"
            ],
            "type": "string"
          }
        },
        "required": [
          "relation",
          "parent"
        ],
        "type": "object"
      },
      "ModelCard": {
        "properties": {
          "fields": {
            "additionalProperties": {
              "type": "string"
            },
            "type": "object"
          },
          "reference": {
            "type": "string"
          }
        },
        "type": "object"
      },
      "ModelRegistration": {
        "additionalProperties": false,
        "properties": {
          "files": {
            "items": {
              "type": "string"
            },
            "type": "array"
          },
          "format": {
            "type": "string"
          },
          "lineage": {
            "items": {
              "$ref": "#/components/schemas/LineageLink"
            },
            "type": "array"
          },
          "version": {
            "type": "string"
          }
        },
        "required": [
          "version",
          "files"
        ],
        "type": "object"
      },
      "ModelSummary": {
        "properties": {
          "created_at": {
            "type": "string"
          },
          "created_by": {
            "type": "string"
          },
          "latest_version": {
            "type": [
              "string",
              "null"
            ]
          },
          "name": {
            "type": "string"
          },
          "version_count": {
            "type": "integer"
          }
        },
        "type": "object"
      },
      "ModelVersion": {
        "properties": {
          "artifacts": {
            "items": {
              "type": "object"
            },
            "type": "array"
          },
          "created_at": {
            "type": "string"
          },
          "created_by": {
            "type": "string"
          },
          "digest": {
            "type": "string"
          },
          "format": {
            "type": "string"
          },
          "lineage": {
            "items": {
              "type": "object"
            },
            "type": "array"
          },
          "name": {
            "type": "string"
          },
          "reference": {
            "type": "string"
          },
          "total_size": {
            "type": "integer"
          },
          "version": {
            "type": "string"
          }
        },
        "type": "object"
      },
      "OpenAIError": {
        "description": "OpenAI's error shape, used for every error on /v1/* (validation failures are 400 there, as OpenAI answers them).",
        "properties": {
          "error": {
            "properties": {
              "code": {
                "description": "e.g. model_not_found, context_length_exceeded, invalid_api_key",
                "type": [
                  "string",
                  "null"
                ]
              },
              "message": {
                "type": "string"
              },
              "param": {
                "description": "The request member at fault",
                "type": [
                  "string",
                  "null"
                ]
              },
              "type": {
                "description": "invalid_request_error, authentication_error, permission_error, not_found_error, server_error",
                "type": "string"
              }
            },
            "required": [
              "message",
              "type",
              "param",
              "code"
            ],
            "type": "object"
          }
        },
        "required": [
          "error"
        ],
        "type": "object"
      },
      "Problem": {
        "properties": {
          "detail": {
            "type": "string"
          },
          "status": {
            "type": "integer"
          },
          "title": {
            "type": "string"
          },
          "type": {
            "description": "Stable: https://assay.dev/problems/<kind>",
            "format": "uri",
            "type": "string"
          }
        },
        "required": [
          "type",
          "title",
          "status",
          "detail"
        ],
        "type": "object"
      },
      "WebhookEvent": {
        "properties": {
          "action": {
            "description": "The audit action the event derives from",
            "type": "string"
          },
          "actor": {
            "type": "string"
          },
          "audit": {
            "properties": {
              "hash": {
                "type": "string"
              },
              "seq": {
                "type": "integer"
              }
            },
            "type": "object"
          },
          "data": {
            "description": "The audit event's payload",
            "type": "object"
          },
          "id": {
            "description": "evt_<audit seq>_<type>; the same for every attempt and every webhook",
            "type": "string"
          },
          "subject": {
            "type": "string"
          },
          "time": {
            "type": "string"
          },
          "type": {
            "enum": [
              "version.registered",
              "evaluation.finished",
              "state.changed",
              "alias.moved",
              "version.revoked"
            ],
            "type": "string"
          }
        },
        "required": [
          "id",
          "type",
          "time",
          "actor",
          "subject",
          "action",
          "data",
          "audit"
        ],
        "type": "object"
      }
    },
    "securitySchemes": {
      "bearer": {
        "description": "Tokens from 'assay token create'; stored as SHA-256 in the registry.",
        "scheme": "bearer",
        "type": "http"
      }
    }
  },
  "info": {
    "description": "JSON API over the Assay registry and an OpenAI-compatible inference API. Errors are application/problem+json with stable type URIs under https://assay.dev/problems/. x-assay-access names the roles a route requires.",
    "title": "Assay registry service",
    "version": "1.0.0"
  },
  "openapi": "3.1.0",
  "paths": {
    "/api/v1/audit/checkpoints/verify": {
      "post": {
        "description": "Verifies the checkpoint's Ed25519 signature under the given public key (the one the caller trusts) and whether the log still extends it: status consistent, bad_signature, truncated or rewritten.",
        "operationId": "verifyAuditCheckpoint",
        "parameters": [],
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/AuditCheckpointVerification"
              }
            }
          },
          "required": true
        },
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/AuditCheckpointCheck"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "413": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "415": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "422": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "Check a signed checkpoint against the current audit log",
        "x-assay-access": "Any role (submitter, approver, release-manager, auditor, admin)"
      }
    },
    "/api/v1/audit/events": {
      "get": {
        "operationId": "listAuditEvents",
        "parameters": [
          {
            "description": "Sequence number (default 0)",
            "in": "query",
            "name": "after",
            "required": false,
            "schema": {
              "minimum": 0,
              "type": "integer"
            }
          },
          {
            "description": "1-1000 (default 100)",
            "in": "query",
            "name": "limit",
            "required": false,
            "schema": {
              "maximum": 1000,
              "minimum": 1,
              "type": "integer"
            }
          }
        ],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "Audit events after a sequence number",
        "x-assay-access": "Any role (submitter, approver, release-manager, auditor, admin)"
      }
    },
    "/api/v1/audit/head": {
      "get": {
        "operationId": "getAuditHead",
        "parameters": [],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "Sequence number and hash of the newest audit event",
        "x-assay-access": "Any role (submitter, approver, release-manager, auditor, admin)"
      }
    },
    "/api/v1/audit/proofs/consistency": {
      "get": {
        "operationId": "getAuditConsistencyProof",
        "parameters": [
          {
            "description": "The earlier tree size (e.g. a checkpoint's tree_size)",
            "in": "query",
            "name": "first",
            "required": true,
            "schema": {
              "minimum": 0,
              "type": "integer"
            }
          },
          {
            "description": "The later tree size (default: all events)",
            "in": "query",
            "name": "second",
            "required": false,
            "schema": {
              "minimum": 0,
              "type": "integer"
            }
          }
        ],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/AuditConsistencyProof"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "422": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "Consistency proof (RFC 9162 §2.1.4) between two audit tree sizes",
        "x-assay-access": "Any role (submitter, approver, release-manager, auditor, admin)"
      }
    },
    "/api/v1/audit/proofs/inclusion": {
      "get": {
        "operationId": "getAuditInclusionProof",
        "parameters": [
          {
            "description": "The event",
            "in": "query",
            "name": "seq",
            "required": true,
            "schema": {
              "minimum": 1,
              "type": "integer"
            }
          },
          {
            "description": "The tree (default: all events)",
            "in": "query",
            "name": "tree_size",
            "required": false,
            "schema": {
              "minimum": 1,
              "type": "integer"
            }
          }
        ],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/AuditInclusionProof"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "422": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "Inclusion proof (RFC 9162 §2.1.3) of one audit event",
        "x-assay-access": "Any role (submitter, approver, release-manager, auditor, admin)"
      }
    },
    "/api/v1/audit/tree": {
      "get": {
        "description": "Leaf i is event seq i+1; leaf data are the canonical JSON array whose SHA-256 is the event hash; leaf hash SHA-256(0x00||data), node SHA-256(0x01||l||r). See docs/audit.md.",
        "operationId": "getAuditTreeHead",
        "parameters": [
          {
            "description": "The first N events (default: all)",
            "in": "query",
            "name": "tree_size",
            "required": false,
            "schema": {
              "minimum": 0,
              "type": "integer"
            }
          }
        ],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/AuditTreeHead"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "422": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "RFC 9162 Merkle tree head over the audit events",
        "x-assay-access": "Any role (submitter, approver, release-manager, auditor, admin)"
      }
    },
    "/api/v1/audit/verify": {
      "get": {
        "operationId": "verifyAudit",
        "parameters": [],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "Recompute the audit hash chain",
        "x-assay-access": "Any role (submitter, approver, release-manager, auditor, admin)"
      }
    },
    "/api/v1/datasets": {
      "get": {
        "operationId": "listDatasets",
        "parameters": [
          {
            "description": "Substring of the name",
            "in": "query",
            "name": "name",
            "required": false,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "Page size (1-1000, default 100)",
            "in": "query",
            "name": "limit",
            "required": false,
            "schema": {
              "maximum": 1000,
              "minimum": 1,
              "type": "integer"
            }
          },
          {
            "description": "Opaque cursor from a previous page's next_cursor",
            "in": "query",
            "name": "cursor",
            "required": false,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "properties": {
                    "items": {
                      "items": {
                        "$ref": "#/components/schemas/DatasetSummary"
                      },
                      "type": "array"
                    },
                    "next_cursor": {
                      "type": [
                        "string",
                        "null"
                      ]
                    }
                  },
                  "required": [
                    "items",
                    "next_cursor"
                  ],
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "Datasets",
        "x-assay-access": "Any role (submitter, approver, release-manager, auditor, admin)"
      }
    },
    "/api/v1/datasets/{name}": {
      "get": {
        "operationId": "getDataset",
        "parameters": [
          {
            "description": "Model or dataset name",
            "in": "path",
            "name": "name",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "404": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "A dataset with its versions",
        "x-assay-access": "Any role (submitter, approver, release-manager, auditor, admin)"
      }
    },
    "/api/v1/datasets/{name}/versions": {
      "post": {
        "operationId": "registerDatasetVersion",
        "parameters": [
          {
            "description": "Model or dataset name",
            "in": "path",
            "name": "name",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/DatasetRegistration"
              }
            }
          },
          "required": true
        },
        "responses": {
          "201": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "Registered"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "409": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "413": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "415": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "422": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "Register a dataset version from server-side files",
        "x-assay-access": "submitter or admin"
      }
    },
    "/api/v1/datasets/{name}/versions/{version}": {
      "get": {
        "operationId": "getDatasetVersion",
        "parameters": [
          {
            "description": "Model or dataset name",
            "in": "path",
            "name": "name",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "Version",
            "in": "path",
            "name": "version",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "404": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "One dataset version",
        "x-assay-access": "Any role (submitter, approver, release-manager, auditor, admin)"
      }
    },
    "/api/v1/datasets/{name}/versions/{version}/check": {
      "get": {
        "operationId": "getDatasetCheck",
        "parameters": [
          {
            "description": "Model or dataset name",
            "in": "path",
            "name": "name",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "Version",
            "in": "path",
            "name": "version",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "The latest stored quality report (dataset, report_sha256, checked_at, checked_by, report, contamination); docs/datasets.md"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "404": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "The latest quality check of a dataset version: validation, statistics, duplicates, personal data, licence, contamination (versions registered through the API are checked at registration; assay dataset check re-checks)",
        "x-assay-access": "Any role (submitter, approver, release-manager, auditor, admin)"
      }
    },
    "/api/v1/evaluations": {
      "get": {
        "operationId": "listEvaluationRuns",
        "parameters": [
          {
            "description": "NAME@VERSION",
            "in": "query",
            "name": "model",
            "required": false,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "running or completed",
            "in": "query",
            "name": "status",
            "required": false,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "Suite id",
            "in": "query",
            "name": "suite",
            "required": false,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "NAME>=NUMBER (also >, <=, <, =) over the results JSON",
            "in": "query",
            "name": "metric",
            "required": false,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "Page size (1-1000, default 100)",
            "in": "query",
            "name": "limit",
            "required": false,
            "schema": {
              "maximum": 1000,
              "minimum": 1,
              "type": "integer"
            }
          },
          {
            "description": "Opaque cursor from a previous page's next_cursor",
            "in": "query",
            "name": "cursor",
            "required": false,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "Evaluation runs, newest first",
        "x-assay-access": "Any role (submitter, approver, release-manager, auditor, admin)"
      }
    },
    "/api/v1/evaluations/import": {
      "post": {
        "description": "Each shard is the pair 'assay eval --shard k/n --output-dir D' writes: results.json and the lines of items.jsonl. The shards must share model digest, suite digest, tasks, shots, prompt templates, limit, engine and backend, and together be one complete, disjoint split; then one merged run is written in one transaction (audit: evaluation_run.import, evaluation_run.complete). The suite must be registered here or bundled with the server. Subject to the server's body limit (--max-body-mb).",
        "operationId": "importEvaluationShards",
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "properties": {
                  "shards": {
                    "items": {
                      "properties": {
                        "items": {
                          "description": "The shard's items.jsonl lines",
                          "items": {
                            "type": "object"
                          },
                          "type": "array"
                        },
                        "results": {
                          "description": "A shard's results.json (format assay-results/1)",
                          "type": "object"
                        }
                      },
                      "required": [
                        "results",
                        "items"
                      ],
                      "type": "object"
                    },
                    "minItems": 1,
                    "type": "array"
                  }
                },
                "required": [
                  "shards"
                ],
                "type": "object"
              }
            }
          },
          "required": true
        },
        "responses": {
          "201": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "The merged run's results document"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "413": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "415": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "422": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "Merge the shards of one evaluation run (as 'assay eval import')",
        "x-assay-access": "submitter or admin"
      }
    },
    "/api/v1/evaluations/{id}": {
      "get": {
        "operationId": "getEvaluationRun",
        "parameters": [
          {
            "description": "Run id",
            "in": "path",
            "name": "id",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "404": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "One run with its results",
        "x-assay-access": "Any role (submitter, approver, release-manager, auditor, admin)"
      }
    },
    "/api/v1/evaluations/{id}/items": {
      "get": {
        "operationId": "listEvaluationItems",
        "parameters": [
          {
            "description": "Run id",
            "in": "path",
            "name": "id",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "Task name",
            "in": "query",
            "name": "task",
            "required": false,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "true or false",
            "in": "query",
            "name": "correct",
            "required": false,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "Page size (1-1000, default 100)",
            "in": "query",
            "name": "limit",
            "required": false,
            "schema": {
              "maximum": 1000,
              "minimum": 1,
              "type": "integer"
            }
          },
          {
            "description": "Opaque cursor from a previous page's next_cursor",
            "in": "query",
            "name": "cursor",
            "required": false,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "404": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "Per-item results of a run",
        "x-assay-access": "Any role (submitter, approver, release-manager, auditor, admin)"
      }
    },
    "/api/v1/models": {
      "get": {
        "operationId": "listModels",
        "parameters": [
          {
            "description": "Substring of the model name",
            "in": "query",
            "name": "name",
            "required": false,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "Architecture of an artifact (e.g. llama)",
            "in": "query",
            "name": "arch",
            "required": false,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "Quantization of an artifact (e.g. Q4_1)",
            "in": "query",
            "name": "quant",
            "required": false,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "Approval state",
            "in": "query",
            "name": "state",
            "required": false,
            "schema": {
              "enum": [
                "registered",
                "evaluated",
                "in_review",
                "approved",
                "rejected",
                "deprecated",
                "revoked"
              ],
              "type": "string"
            }
          },
          {
            "description": "Only the version holding this alias now",
            "in": "query",
            "name": "alias",
            "required": false,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "NAME>=NUMBER (also >, <=, <, =): some completed evaluation run of the version has that metric in range",
            "in": "query",
            "name": "metric",
            "required": false,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "Page size (1-1000, default 100)",
            "in": "query",
            "name": "limit",
            "required": false,
            "schema": {
              "maximum": 1000,
              "minimum": 1,
              "type": "integer"
            }
          },
          {
            "description": "Opaque cursor from a previous page's next_cursor",
            "in": "query",
            "name": "cursor",
            "required": false,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "properties": {
                    "items": {
                      "items": {
                        "$ref": "#/components/schemas/ModelSummary"
                      },
                      "type": "array"
                    },
                    "next_cursor": {
                      "type": [
                        "string",
                        "null"
                      ]
                    }
                  },
                  "required": [
                    "items",
                    "next_cursor"
                  ],
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "Models (a model matches when one of its versions passes every version filter)",
        "x-assay-access": "Any role (submitter, approver, release-manager, auditor, admin)"
      }
    },
    "/api/v1/models/{name}": {
      "get": {
        "operationId": "getModel",
        "parameters": [
          {
            "description": "Model or dataset name",
            "in": "path",
            "name": "name",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "404": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "A model with all its versions",
        "x-assay-access": "Any role (submitter, approver, release-manager, auditor, admin)"
      }
    },
    "/api/v1/models/{name}/aliases": {
      "get": {
        "operationId": "listAliases",
        "parameters": [
          {
            "description": "Model or dataset name",
            "in": "path",
            "name": "name",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "Aliases of a model (each with its etag)",
        "x-assay-access": "Any role (submitter, approver, release-manager, auditor, admin)"
      }
    },
    "/api/v1/models/{name}/aliases/{alias}": {
      "put": {
        "operationId": "moveAlias",
        "parameters": [
          {
            "description": "Model or dataset name",
            "in": "path",
            "name": "name",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "Alias name",
            "in": "path",
            "name": "alias",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "in": "header",
            "name": "If-Match",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "properties": {
                  "reason": {
                    "type": "string"
                  },
                  "version": {
                    "type": "string"
                  }
                },
                "required": [
                  "version"
                ],
                "type": "object"
              }
            }
          },
          "required": true
        },
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/AliasMove"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "404": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "409": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "412": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "415": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "422": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "428": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "Point an alias at a version; atomic with If-Match naming the current holder's etag (\"none\" when unset); policy rules apply (protected aliases: release-manager, approved targets)",
        "x-assay-access": "submitter, release-manager or admin (policy decides per alias)"
      }
    },
    "/api/v1/models/{name}/aliases/{alias}/history": {
      "get": {
        "operationId": "getAliasHistory",
        "parameters": [
          {
            "description": "Model or dataset name",
            "in": "path",
            "name": "name",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "Alias name",
            "in": "path",
            "name": "alias",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "properties": {
                    "items": {
                      "items": {
                        "properties": {
                          "action": {
                            "type": "string"
                          },
                          "actor": {
                            "type": "string"
                          },
                          "created_at": {
                            "type": "string"
                          },
                          "id": {
                            "type": "integer"
                          },
                          "previous": {
                            "type": [
                              "string",
                              "null"
                            ]
                          },
                          "reason": {
                            "type": [
                              "string",
                              "null"
                            ]
                          },
                          "target": {
                            "type": "string"
                          }
                        },
                        "type": "object"
                      },
                      "type": "array"
                    },
                    "model": {
                      "type": "string"
                    },
                    "name": {
                      "type": "string"
                    }
                  },
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "404": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "Every move of an alias, oldest first",
        "x-assay-access": "Any role (submitter, approver, release-manager, auditor, admin)"
      }
    },
    "/api/v1/models/{name}/aliases/{alias}/rollback": {
      "post": {
        "operationId": "rollbackAlias",
        "parameters": [
          {
            "description": "Model or dataset name",
            "in": "path",
            "name": "name",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "Alias name",
            "in": "path",
            "name": "alias",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "in": "header",
            "name": "If-Match",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "additionalProperties": false,
                "properties": {
                  "reason": {
                    "type": "string"
                  }
                },
                "type": "object"
              }
            }
          },
          "required": false
        },
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/AliasMove"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "404": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "409": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "412": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "415": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "422": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "428": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "Restore the alias' previous holder (history is a stack: set pushes, rollback pops); If-Match must name the current holder's etag; policy rules apply as for a move",
        "x-assay-access": "submitter, release-manager or admin (policy decides per alias)"
      }
    },
    "/api/v1/models/{name}/versions": {
      "get": {
        "operationId": "listModelVersions",
        "parameters": [
          {
            "description": "Model or dataset name",
            "in": "path",
            "name": "name",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "Architecture",
            "in": "query",
            "name": "arch",
            "required": false,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "Quantization",
            "in": "query",
            "name": "quant",
            "required": false,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "Approval state",
            "in": "query",
            "name": "state",
            "required": false,
            "schema": {
              "enum": [
                "registered",
                "evaluated",
                "in_review",
                "approved",
                "rejected",
                "deprecated",
                "revoked"
              ],
              "type": "string"
            }
          },
          {
            "description": "Only the version holding this alias now",
            "in": "query",
            "name": "alias",
            "required": false,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "NAME>=NUMBER (also >, <=, <, =): some completed evaluation run of the version has that metric in range",
            "in": "query",
            "name": "metric",
            "required": false,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "Page size (1-1000, default 100)",
            "in": "query",
            "name": "limit",
            "required": false,
            "schema": {
              "maximum": 1000,
              "minimum": 1,
              "type": "integer"
            }
          },
          {
            "description": "Opaque cursor from a previous page's next_cursor",
            "in": "query",
            "name": "cursor",
            "required": false,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "properties": {
                    "items": {
                      "items": {
                        "$ref": "#/components/schemas/ModelVersion"
                      },
                      "type": "array"
                    },
                    "next_cursor": {
                      "type": [
                        "string",
                        "null"
                      ]
                    }
                  },
                  "required": [
                    "items",
                    "next_cursor"
                  ],
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "404": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "Versions of a model",
        "x-assay-access": "Any role (submitter, approver, release-manager, auditor, admin)"
      },
      "post": {
        "operationId": "registerModelVersion",
        "parameters": [
          {
            "description": "Model or dataset name",
            "in": "path",
            "name": "name",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ModelRegistration"
              }
            }
          },
          "required": true
        },
        "responses": {
          "201": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ModelVersion"
                }
              }
            },
            "description": "Registered (200 when identical content was already registered)"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "404": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "409": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "413": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "415": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "422": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "Register a version from server-side files (under --artifact-root)",
        "x-assay-access": "submitter or admin"
      }
    },
    "/api/v1/models/{name}/versions/{version}": {
      "get": {
        "operationId": "getModelVersion",
        "parameters": [
          {
            "description": "Model or dataset name",
            "in": "path",
            "name": "name",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "Version",
            "in": "path",
            "name": "version",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ModelVersion"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "404": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "One model version",
        "x-assay-access": "Any role (submitter, approver, release-manager, auditor, admin)"
      }
    },
    "/api/v1/models/{name}/versions/{version}/approval": {
      "get": {
        "operationId": "getApprovalStatus",
        "parameters": [
          {
            "description": "Model or dataset name",
            "in": "path",
            "name": "name",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "Version",
            "in": "path",
            "name": "version",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "404": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "Approval state and decisions of a version",
        "x-assay-access": "Any role (submitter, approver, release-manager, auditor, admin)"
      }
    },
    "/api/v1/models/{name}/versions/{version}/approval/approve": {
      "post": {
        "operationId": "approveVersion",
        "parameters": [
          {
            "description": "Model or dataset name",
            "in": "path",
            "name": "name",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "Version",
            "in": "path",
            "name": "version",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "additionalProperties": false,
                "properties": {
                  "comment": {
                    "type": "string"
                  }
                },
                "type": "object"
              }
            }
          },
          "required": false
        },
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ApprovalOutcome"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "404": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "409": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "415": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "422": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "503": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "One approval vote (the tier's approver role; never the version's submitter or registrant); approved once the quorum is met. Needs the service to run with --policy (503 otherwise). Refusals: 403 for missing roles and separation of duties, 409 when the version's state or evidence does not allow it, 422 for a missing reason.",
        "x-assay-access": "the policy's approver roles (default approver)"
      }
    },
    "/api/v1/models/{name}/versions/{version}/approval/deprecate": {
      "post": {
        "operationId": "deprecateVersion",
        "parameters": [
          {
            "description": "Model or dataset name",
            "in": "path",
            "name": "name",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "Version",
            "in": "path",
            "name": "version",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "additionalProperties": false,
                "properties": {
                  "reason": {
                    "type": "string"
                  }
                },
                "type": "object"
              }
            }
          },
          "required": false
        },
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ApprovalOutcome"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "404": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "409": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "415": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "422": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "503": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "Deprecate an approved version. Needs the service to run with --policy (503 otherwise). Refusals: 403 for missing roles and separation of duties, 409 when the version's state or evidence does not allow it, 422 for a missing reason.",
        "x-assay-access": "release-manager or admin"
      }
    },
    "/api/v1/models/{name}/versions/{version}/approval/evaluate": {
      "post": {
        "operationId": "markEvaluated",
        "parameters": [
          {
            "description": "Model or dataset name",
            "in": "path",
            "name": "name",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "Version",
            "in": "path",
            "name": "version",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "additionalProperties": false,
                "properties": {
                  "tier": {
                    "type": "string"
                  }
                },
                "type": "object"
              }
            }
          },
          "required": false
        },
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ApprovalOutcome"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "404": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "409": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "415": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "422": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "503": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "Record that every required suite of the tier has a completed run on the version's exact digest. Needs the service to run with --policy (503 otherwise). Refusals: 403 for missing roles and separation of duties, 409 when the version's state or evidence does not allow it, 422 for a missing reason.",
        "x-assay-access": "Any role (submitter, approver, release-manager, auditor, admin); the workflow records it for anyone"
      }
    },
    "/api/v1/models/{name}/versions/{version}/approval/reject": {
      "post": {
        "operationId": "rejectVersion",
        "parameters": [
          {
            "description": "Model or dataset name",
            "in": "path",
            "name": "name",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "Version",
            "in": "path",
            "name": "version",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "additionalProperties": false,
                "properties": {
                  "reason": {
                    "type": "string"
                  }
                },
                "required": [
                  "reason"
                ],
                "type": "object"
              }
            }
          },
          "required": true
        },
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ApprovalOutcome"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "404": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "409": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "415": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "422": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "503": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "Reject a version in review (reason required). Needs the service to run with --policy (503 otherwise). Refusals: 403 for missing roles and separation of duties, 409 when the version's state or evidence does not allow it, 422 for a missing reason.",
        "x-assay-access": "the policy's approver roles (default approver)"
      }
    },
    "/api/v1/models/{name}/versions/{version}/approval/revoke": {
      "post": {
        "operationId": "revokeVersion",
        "parameters": [
          {
            "description": "Model or dataset name",
            "in": "path",
            "name": "name",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "Version",
            "in": "path",
            "name": "version",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "additionalProperties": false,
                "properties": {
                  "reason": {
                    "type": "string"
                  }
                },
                "required": [
                  "reason"
                ],
                "type": "object"
              }
            }
          },
          "required": true
        },
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ApprovalOutcome"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "404": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "409": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "415": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "422": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "503": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "Revoke a version from any state (reason required); flags every lineage descendant for review. Needs the service to run with --policy (503 otherwise). Refusals: 403 for missing roles and separation of duties, 409 when the version's state or evidence does not allow it, 422 for a missing reason.",
        "x-assay-access": "admin or approver"
      }
    },
    "/api/v1/models/{name}/versions/{version}/approval/submit": {
      "post": {
        "operationId": "submitForReview",
        "parameters": [
          {
            "description": "Model or dataset name",
            "in": "path",
            "name": "name",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "Version",
            "in": "path",
            "name": "version",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "additionalProperties": false,
                "properties": {
                  "tier": {
                    "type": "string"
                  }
                },
                "type": "object"
              }
            }
          },
          "required": false
        },
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ApprovalOutcome"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "404": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "409": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "415": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "422": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "503": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "Submit an evaluated (or rejected, or flagged) version for review: model card complete, datasets within policy. Needs the service to run with --policy (503 otherwise). Refusals: 403 for missing roles and separation of duties, 409 when the version's state or evidence does not allow it, 422 for a missing reason.",
        "x-assay-access": "submitter or admin"
      }
    },
    "/api/v1/models/{name}/versions/{version}/artifact": {
      "post": {
        "operationId": "uploadModelVersion",
        "parameters": [
          {
            "description": "Model or dataset name",
            "in": "path",
            "name": "name",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "Version",
            "in": "path",
            "name": "version",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "Recorded file name, ending in .gguf (default model.gguf)",
            "in": "query",
            "name": "filename",
            "required": false,
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "content": {
            "application/octet-stream": {
              "schema": {
                "contentMediaType": "application/octet-stream",
                "type": "string"
              }
            }
          },
          "required": true
        },
        "responses": {
          "201": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ModelVersion"
                }
              }
            },
            "description": "Registered (200 when identical content was already registered)"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "408": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "409": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "413": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "415": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "422": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "Register a version by uploading one GGUF file: streamed to the artifact store (<home>/artifacts/sha256/<digest>/<filename>), hashed while it arrives, then registered as a server-side path would be. The body limit is assay serve --max-upload-bytes (default 8 GiB); authorization and headers are checked before any body byte is read.",
        "x-assay-access": "submitter or admin"
      }
    },
    "/api/v1/models/{name}/versions/{version}/card": {
      "get": {
        "operationId": "getModelCard",
        "parameters": [
          {
            "description": "Model or dataset name",
            "in": "path",
            "name": "name",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "Version",
            "in": "path",
            "name": "version",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ModelCard"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "404": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "The version's model card",
        "x-assay-access": "Any role (submitter, approver, release-manager, auditor, admin)"
      },
      "patch": {
        "operationId": "updateModelCard",
        "parameters": [
          {
            "description": "Model or dataset name",
            "in": "path",
            "name": "name",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "Version",
            "in": "path",
            "name": "version",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "additionalProperties": {
                  "type": [
                    "string",
                    "null"
                  ]
                },
                "type": "object"
              }
            }
          },
          "required": true
        },
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ModelCard"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "404": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "415": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "422": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "Set model-card fields (a null or empty value removes one); the version's registrant, submitters and admins",
        "x-assay-access": "Any role (submitter, approver, release-manager, auditor, admin); the library allows the registrant, submitters and admins"
      }
    },
    "/api/v1/models/{name}/versions/{version}/decisions": {
      "get": {
        "operationId": "listDecisions",
        "parameters": [
          {
            "description": "Model or dataset name",
            "in": "path",
            "name": "name",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "Version",
            "in": "path",
            "name": "version",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "properties": {
                    "items": {
                      "items": {
                        "$ref": "#/components/schemas/ApprovalDecision"
                      },
                      "type": "array"
                    },
                    "reference": {
                      "type": "string"
                    }
                  },
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "404": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "Every approval decision of a version, oldest first",
        "x-assay-access": "Any role (submitter, approver, release-manager, auditor, admin)"
      }
    },
    "/api/v1/models/{name}/versions/{version}/export": {
      "get": {
        "operationId": "exportModelVersion",
        "parameters": [
          {
            "description": "Model or dataset name",
            "in": "path",
            "name": "name",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "Version",
            "in": "path",
            "name": "version",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "json (default), markdown, html or cyclonedx (CycloneDX 1.6 ML-BOM)",
            "in": "query",
            "name": "format",
            "required": false,
            "schema": {
              "enum": [
                "json",
                "markdown",
                "html",
                "cyclonedx"
              ],
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              },
              "application/vnd.cyclonedx+json": {
                "schema": {
                  "type": "object"
                }
              },
              "text/html": {
                "schema": {
                  "type": "string"
                }
              },
              "text/markdown": {
                "schema": {
                  "type": "string"
                }
              }
            },
            "description": "The export in the requested format (charset utf-8 for text; version=1.6 for CycloneDX)"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "404": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "Auditor export of a version: lineage, evaluations, decisions, aliases, audit head",
        "x-assay-access": "Any role (submitter, approver, release-manager, auditor, admin)"
      }
    },
    "/api/v1/models/{name}/versions/{version}/lineage": {
      "get": {
        "operationId": "getLineage",
        "parameters": [
          {
            "description": "Model or dataset name",
            "in": "path",
            "name": "name",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "Version",
            "in": "path",
            "name": "version",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "up, down or both (default)",
            "in": "query",
            "name": "direction",
            "required": false,
            "schema": {
              "enum": [
                "up",
                "down",
                "both"
              ],
              "type": "string"
            }
          },
          {
            "description": "Hops (1-64, default 64)",
            "in": "query",
            "name": "depth",
            "required": false,
            "schema": {
              "maximum": 64,
              "minimum": 1,
              "type": "integer"
            }
          }
        ],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "404": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "Ancestors and/or descendants",
        "x-assay-access": "Any role (submitter, approver, release-manager, auditor, admin)"
      },
      "post": {
        "operationId": "addLineage",
        "parameters": [
          {
            "description": "Model or dataset name",
            "in": "path",
            "name": "name",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "Version",
            "in": "path",
            "name": "version",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/LineageLink"
              }
            }
          },
          "required": true
        },
        "responses": {
          "201": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "Added (200 when the edge existed)"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "404": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "409": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "415": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "422": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "Add a lineage edge",
        "x-assay-access": "submitter or admin"
      }
    },
    "/api/v1/whoami": {
      "get": {
        "operationId": "whoami",
        "parameters": [],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "The token's actor and roles",
        "x-assay-access": "Any role (submitter, approver, release-manager, auditor, admin)"
      }
    },
    "/detokenize": {
      "post": {
        "operationId": "detokenize",
        "parameters": [],
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "properties": {
                  "model": {
                    "type": "string"
                  },
                  "tokens": {
                    "items": {
                      "type": "integer"
                    },
                    "type": "array"
                  }
                },
                "required": [
                  "tokens"
                ],
                "type": "object"
              }
            }
          },
          "required": true
        },
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "404": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "415": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "422": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "501": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "vLLM's detokenize: {tokens} → {prompt}",
        "x-assay-access": "Any role (submitter, approver, release-manager, auditor, admin)"
      }
    },
    "/health": {
      "get": {
        "operationId": "inferenceHealth",
        "parameters": [],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [],
        "summary": "Inference health (llama-server/vLLM style): status, served models, models loaded now",
        "x-assay-access": "anonymous"
      }
    },
    "/healthz": {
      "get": {
        "operationId": "health",
        "parameters": [],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [],
        "summary": "Liveness",
        "x-assay-access": "anonymous"
      }
    },
    "/metrics": {
      "get": {
        "operationId": "inferenceMetrics",
        "parameters": [],
        "responses": {
          "200": {
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                }
              }
            },
            "description": "Prometheus text exposition format 0.0.4"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [],
        "summary": "Prometheus metrics: assay_requests_total{route,status}, assay_request_duration_seconds histogram, assay_prompt_tokens_total / assay_generation_tokens_total {model}, assay_models_loaded",
        "x-assay-access": "anonymous"
      }
    },
    "/openapi.json": {
      "get": {
        "operationId": "getOpenAPIDocument",
        "parameters": [],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [],
        "summary": "This document",
        "x-assay-access": "anonymous"
      }
    },
    "/tokenize": {
      "post": {
        "operationId": "tokenize",
        "parameters": [],
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "properties": {
                  "add_special": {
                    "type": "boolean"
                  },
                  "add_special_tokens": {
                    "type": "boolean"
                  },
                  "content": {
                    "type": "string"
                  },
                  "model": {
                    "type": "string"
                  },
                  "parse_special": {
                    "type": "boolean"
                  },
                  "prompt": {
                    "type": "string"
                  },
                  "return_token_strs": {
                    "type": "boolean"
                  }
                },
                "type": "object"
              }
            }
          },
          "required": true
        },
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "404": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "415": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "422": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "Tokenize with the served model's tokenizer: vLLM's {prompt, add_special_tokens} → {count, max_model_len, tokens} or llama-server's {content, add_special, parse_special} → {tokens}",
        "x-assay-access": "Any role (submitter, approver, release-manager, auditor, admin)"
      }
    },
    "/tokenizer_info": {
      "get": {
        "operationId": "tokenizerInfo",
        "parameters": [
          {
            "in": "query",
            "name": "model",
            "required": false,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "401": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "403": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "404": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          },
          "501": {
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "description": "Problem"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "vLLM's tokenizer_info: special tokens, chat template, context length (lm-eval's remote tokenizer reads it)",
        "x-assay-access": "Any role (submitter, approver, release-manager, auditor, admin)"
      }
    },
    "/v1/chat/completions": {
      "post": {
        "operationId": "createChatCompletion",
        "parameters": [],
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "type": "object"
              }
            }
          },
          "required": true
        },
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/OpenAIError"
                }
              }
            },
            "description": "OpenAI error"
          },
          "401": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/OpenAIError"
                }
              }
            },
            "description": "OpenAI error"
          },
          "403": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/OpenAIError"
                }
              }
            },
            "description": "OpenAI error"
          },
          "404": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/OpenAIError"
                }
              }
            },
            "description": "OpenAI error"
          },
          "415": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/OpenAIError"
                }
              }
            },
            "description": "OpenAI error"
          },
          "501": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/OpenAIError"
                }
              }
            },
            "description": "OpenAI error"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "OpenAI-compatible chat in the model's chat template (ChatML, Gemma, Llama 3, Phi-3); n; logprobs/top_logprobs; penalties; SSE streaming (role in the first delta, usage on request)",
        "x-assay-access": "Any role (submitter, approver, release-manager, auditor, admin)"
      }
    },
    "/v1/completions": {
      "post": {
        "operationId": "createCompletion",
        "parameters": [],
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "type": "object"
              }
            }
          },
          "required": true
        },
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/OpenAIError"
                }
              }
            },
            "description": "OpenAI error"
          },
          "401": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/OpenAIError"
                }
              }
            },
            "description": "OpenAI error"
          },
          "403": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/OpenAIError"
                }
              }
            },
            "description": "OpenAI error"
          },
          "404": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/OpenAIError"
                }
              }
            },
            "description": "OpenAI error"
          },
          "415": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/OpenAIError"
                }
              }
            },
            "description": "OpenAI error"
          },
          "501": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/OpenAIError"
                }
              }
            },
            "description": "OpenAI error"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "OpenAI-compatible completions: prompt strings, token-id arrays and batches; n; echo + logprobs (scoring, with or without generated tokens); logprobs of generated tokens; presence/frequency penalties; SSE streaming with stream_options.include_usage",
        "x-assay-access": "Any role (submitter, approver, release-manager, auditor, admin)"
      }
    },
    "/v1/models": {
      "get": {
        "operationId": "listServedModels",
        "parameters": [],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/OpenAIError"
                }
              }
            },
            "description": "OpenAI error"
          },
          "401": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/OpenAIError"
                }
              }
            },
            "description": "OpenAI error"
          },
          "403": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/OpenAIError"
                }
              }
            },
            "description": "OpenAI error"
          },
          "404": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/OpenAIError"
                }
              }
            },
            "description": "OpenAI error"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "OpenAI-compatible: the served models (id, created, owned_by)",
        "x-assay-access": "Any role (submitter, approver, release-manager, auditor, admin)"
      }
    },
    "/v1/models/{model}": {
      "get": {
        "operationId": "retrieveServedModel",
        "parameters": [
          {
            "in": "path",
            "name": "model",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            },
            "description": "OK"
          },
          "400": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/OpenAIError"
                }
              }
            },
            "description": "OpenAI error"
          },
          "401": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/OpenAIError"
                }
              }
            },
            "description": "OpenAI error"
          },
          "403": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/OpenAIError"
                }
              }
            },
            "description": "OpenAI error"
          },
          "404": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/OpenAIError"
                }
              }
            },
            "description": "OpenAI error"
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "summary": "OpenAI-compatible models.retrieve: one served model",
        "x-assay-access": "Any role (submitter, approver, release-manager, auditor, admin)"
      }
    }
  },
  "servers": [
    {
      "url": "http://127.0.0.1:8080"
    }
  ],
  "webhooks": {
    "registryEvent": {
      "post": {
        "parameters": [
          {
            "description": "sha256=<hex HMAC-SHA256 of the raw body under the webhook's secret>",
            "in": "header",
            "name": "X-Assay-Signature",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "The event type",
            "in": "header",
            "name": "X-Assay-Event",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "Delivery id, the same for every attempt of one delivery (deduplicate on it)",
            "in": "header",
            "name": "X-Assay-Delivery",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "description": "1 for the first attempt",
            "in": "header",
            "name": "X-Assay-Attempt",
            "required": true,
            "schema": {
              "type": "integer"
            }
          }
        ],
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/WebhookEvent"
              }
            }
          },
          "required": true
        },
        "responses": {
          "2XX": {
            "description": "Delivered; any other answer (or none within the timeout) is retried"
          }
        },
        "summary": "Sent to every subscribed URL (assay webhook add URL --events …) for version.registered, evaluation.finished, state.changed, alias.moved and version.revoked. Verify X-Assay-Signature before trusting the body; retried with exponential backoff on anything but 2xx."
      }
    }
  }
}
"""#
}

"""The reference's order handlers, re-created for the bench: Python + boto3 behind a minimal
Lambda Runtime API loop (what the python3.x managed runtime does, minus its own overhead).

    /usr/bin/python3 python_handlers.py post-order|get-orders|get-order

Environment: TABLE_NAME, INDEX_NAME, SERVICE, AWS_* credentials/region, AWS_LAMBDA_RUNTIME_API,
AWS_ENDPOINT_URL_DYNAMODB (passed to boto3 as endpoint_url: Debian's botocore 1.29 ignores it).
Behaviour as INVENTORY describes the reference: post-order writes {orderId: uuid hex,
orderDate: today, fullName, <service>} and answers 200 {message, order}; get-orders queries the
GSI by orderDate from the query string; get-order gets by the path's orderId. Like the
reference, bad input raises (a 502 behind API Gateway).
"""
import datetime
import http.client
import json
import os
import sys
import uuid

import boto3
from boto3.dynamodb.conditions import Key

table = boto3.resource("dynamodb", endpoint_url=os.environ.get("AWS_ENDPOINT_URL_DYNAMODB")).Table(os.environ["TABLE_NAME"])


def post_order(event):
    body = json.loads(event["body"])
    service = os.environ["SERVICE"]
    order = {
        "orderId": uuid.uuid4().hex,
        "orderDate": datetime.datetime.utcnow().strftime("%Y-%m-%d"),
        "fullName": body["fullName"],
        service: body[service],
    }
    table.put_item(Item=order)
    return {"statusCode": 200, "body": json.dumps({"message": "Order created", "order": order})}


def get_orders(event):
    date = event["queryStringParameters"]["orderDate"]
    response = table.query(IndexName=os.environ["INDEX_NAME"], KeyConditionExpression=Key("orderDate").eq(date))
    return {"statusCode": 200, "body": json.dumps(response["Items"])}


def get_order(event):
    response = table.get_item(Key={"orderId": event["pathParameters"]["orderId"]})
    return {"statusCode": 200, "body": json.dumps(response.get("Item"))}


HANDLERS = {"post-order": post_order, "get-orders": get_orders, "get-order": get_order}


def main():
    handler = HANDLERS[sys.argv[1]]
    # One kept-alive connection to the Runtime API, as the C++ runtime loop keeps: a connection
    # per request (urllib) billed Python a TCP set-up inside each invocation's Duration.
    api = http.client.HTTPConnection(os.environ["AWS_LAMBDA_RUNTIME_API"])
    prefix = "/2018-06-01/runtime/invocation/"
    while True:
        api.request("GET", prefix + "next")
        r = api.getresponse()
        request_id = r.headers["Lambda-Runtime-Aws-Request-Id"]
        event = json.loads(r.read())
        try:
            result, kind = json.dumps(handler(event)).encode(), "response"
        except Exception as e:  # the managed runtime reports it; API Gateway answers 502
            result, kind = json.dumps({"errorMessage": str(e), "errorType": type(e).__name__}).encode(), "error"
        api.request("POST", prefix + request_id + "/" + kind, body=result, headers={"Content-Type": "application/json"})
        api.getresponse().read()


if __name__ == "__main__":
    main()
